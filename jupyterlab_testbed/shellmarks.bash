# The marks that report how each command line ended (jupyterlab_testbed/shellmarks.py):
# OSC 133 C as a line starts, D;<status> before the next prompt. Sourced last,
# after the student's own files; the function keeps $? for what runs after it.
__jlt_mark() { local status=$?; printf '\033]133;D;%s\007' "$status"; return "$status"; }
PROMPT_COMMAND="__jlt_mark${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
PS0="${PS0}\e]133;C\a"
