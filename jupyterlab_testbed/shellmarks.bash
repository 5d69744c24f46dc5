# The marks that report how each command line ended (jupyterlab_testbed/shellmarks.py):
# OSC 133 C as a line starts, D;<status> before the next prompt. Sourced last,
# after the student's own files.
if [[ -n "${PROMPT_COMMAND:-}" ]]; then
  # The student's prompt command runs after the mark: the function gives it $? back.
  __jlt_mark() { local status=$?; printf '\033]133;D;%s\007' "$status"; return "$status"; }
  PROMPT_COMMAND="__jlt_mark;$PROMPT_COMMAND"
else
  # Nothing runs after the mark, and bash gives the prompt and the next line
  # the command's $? back: no function call at each prompt.
  PROMPT_COMMAND="printf '\033]133;D;%s\007' \"\$?\""
fi
PS0="${PS0}\e]133;C\a"
