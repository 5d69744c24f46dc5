# The marks that report how each command line ended (jupyterlab_testbed/shellmarks.py):
# OSC 133 C as a line starts, D;<status> before the next prompt. Sourced last,
# after the student's own files. `builtin`: a student's alias or function
# named printf does not change the marks.
if [[ -n "${PROMPT_COMMAND:-}" ]]; then
  # The student's prompt command runs after the mark: the function gives it $? back.
  __jlt_mark() { local status=$?; builtin printf '\033]133;D;%s\007' "$status"; return "$status"; }
  PROMPT_COMMAND="__jlt_mark;$PROMPT_COMMAND"
else
  # Nothing runs after the mark, and bash gives the prompt and the next line
  # the command's $? back: no function call at each prompt.
  PROMPT_COMMAND="builtin printf '\033]133;D;%s\007' \"\$?\""
fi
# PS0 is unset by default: under a student's `set -u`, a bare $PS0 would stop this file.
PS0="${PS0:-}\e]133;C\a"
