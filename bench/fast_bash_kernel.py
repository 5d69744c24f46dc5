"""bash_kernel without pexpect's 50 ms pause before each write to bash.

bash_kernel writes twice per cell (the code, then `echo $?`), so the stock
kernel spends about 110 ms per cell asleep: a 450-cell run-all would take a
minute, leaving the browser idle nearly all the time. Without the pause the
kernel is fast enough that JupyterLab and the extension's share of a run-all
is visible, and the benchmark fits in a few minutes. Everything else is the
installed bash_kernel, unchanged.

run.sh registers this as the kernel "bash" of its private servers.
"""
import pexpect


class _Spawn(pexpect.spawn):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.delaybeforesend = None


# bash_kernel calls pexpect.spawn(...) through the module, so this is the
# one place to change it before the kernel module is imported.
pexpect.spawn = _Spawn

from bash_kernel.kernel import BashKernel  # noqa: E402
from ipykernel.kernelapp import IPKernelApp  # noqa: E402

if __name__ == "__main__":
    IPKernelApp.launch_instance(kernel_class=BashKernel)
