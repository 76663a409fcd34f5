// The scripts of `kubectl lo completion bash|zsh|fish`. Each completes the
// kubectl-lo command by running `kubectl-lo __complete WORD... PARTIAL` and
// reading cobra's answer (lo/completion.hpp). `kubectl lo <TAB>` needs none
// of them: kubectl's own completion runs kubectl_complete-lo.
#include "lo/completion.hpp"

#include "lo/error.hpp"

namespace lo::cli {
namespace {

const char* kBash = R"script(# bash completion for kubectl-lo (made by 'kubectl lo completion bash').
# 'kubectl lo <TAB>' is completed by kubectl's own completion (kubectl
# completion bash), which runs kubectl_complete-lo from PATH (kubectl >= 1.26).
_kubectl_lo() {
    local line=${COMP_LINE:0:COMP_POINT} cur="" out last directive=0
    local -a words cands
    read -r -a words <<<"$line"
    if [[ $line != *[[:space:]] ]]; then
        cur=${words[-1]}
        unset 'words[-1]'
    fi
    out=$("${words[0]}" __complete "${words[@]:1}" "$cur" 2>/dev/null) || return 0
    last=${out##*$'\n'}
    if [[ $last == :* ]]; then
        directive=${last#:}
        if [[ $out == "$last" ]]; then out=""; else out=${out%$'\n'*}; fi
    fi
    (( directive & 1 )) && return 0
    # The word bash completes may be only the end of ours: COMP_WORDBREAKS
    # cuts --output=json at '='.
    local word=${COMP_WORDS[COMP_CWORD]} pre="" cut=0 l
    [[ $cur == -*=* ]] && pre=${cur%%=*}=
    [[ $cur == *"$word" ]] && cut=$(( ${#cur} - ${#word} ))
    COMPREPLY=()
    while IFS= read -r l; do
        [[ -n $l ]] || continue
        l=$pre${l%%$'\t'*}
        COMPREPLY+=("${l:cut}")
    done <<<"$out"
    (( directive & 2 )) && compopt -o nospace
    if (( ${#COMPREPLY[@]} == 0 )); then
        if (( directive & 16 )); then
            compopt -o dirnames
        elif (( ! (directive & 4) )); then
            compopt -o default
        fi
    fi
    return 0
}
complete -F _kubectl_lo kubectl-lo
)script";

const char* kZsh = R"script(#compdef kubectl-lo
# zsh completion for kubectl-lo (made by 'kubectl lo completion zsh').
# 'kubectl lo <TAB>' is completed by kubectl's own completion (kubectl
# completion zsh), which runs kubectl_complete-lo from PATH (kubectl >= 1.26).
_kubectl_lo() {
    local cur=${words[CURRENT]} out line w d directive=0
    local -a lines described opts
    out=$(${words[1]} __complete ${(@)words[2,CURRENT-1]} "$cur" 2>/dev/null) || return 1
    lines=(${(f)out})
    if [[ ${lines[-1]} == :<-> ]]; then
        directive=${lines[-1]#:}
        lines[-1]=()
    fi
    (( directive & 1 )) && return 1
    # --output=<TAB>: the answer is the value; zsh keeps the flag.
    [[ $cur == -*=* ]] && compset -P '*='
    for line in $lines; do
        w=${line%%$'\t'*}
        d=""
        [[ $line == *$'\t'* ]] && d=${line#*$'\t'}
        described+=("${w//:/\\:}${d:+:$d}")
    done
    (( directive & 2 )) && opts+=(-S '')
    if (( ${#described} )); then
        _describe -t lo 'lo' described $opts
        return
    fi
    if (( directive & 16 )); then
        _path_files -/
    elif (( ! (directive & 4) )); then
        _files
    fi
}
if [[ $funcstack[1] == _kubectl_lo ]]; then
    _kubectl_lo "$@"
else
    compdef _kubectl_lo kubectl-lo
fi
)script";

const char* kFish = R"script(# fish completion for kubectl-lo (made by 'kubectl lo completion fish').
# 'kubectl lo <TAB>' is completed by kubectl's own completion (kubectl
# completion fish), which runs kubectl_complete-lo from PATH (kubectl >= 1.26).
function __kubectl_lo_ask
    set -l words (commandline -opc)
    $words[1] __complete $words[2..-1] (commandline -ct) 2>/dev/null
end

function __kubectl_lo_candidates
    set -l out (__kubectl_lo_ask)
    set -l directive 0
    if string match -qr '^:[0-9]+$' -- $out[-1]
        set directive (string sub -s 2 -- $out[-1])
        set -e out[-1]
    end
    test (math "bitand($directive, 1)") -eq 0; or return
    # --output=<TAB>: the answer is the value; fish wants the whole word.
    set -l pre (string match -r '^-[^=]*=' -- (commandline -ct))
    for l in $out
        test -n "$l"; and printf '%s%s\n' "$pre" "$l"
    end
end

# File names only when there is no candidate and the answer allows them.
function __kubectl_lo_files
    set -l out (__kubectl_lo_ask)
    test (count $out) -eq 1; or return 1
    set -l directive (string sub -s 2 -- $out[1])
    test (math "bitand($directive, 5)") -eq 0
end

complete -c kubectl-lo -f
complete -c kubectl-lo -n 'not __kubectl_lo_files' -a '(__kubectl_lo_candidates)'
complete -c kubectl-lo -n '__kubectl_lo_files' -F
)script";

}  // namespace

std::string completion_script(const std::string& shell) {
  if (shell == "bash") return kBash;
  if (shell == "zsh") return kZsh;
  if (shell == "fish") return kFish;
  throw UsageError("unknown shell '" + shell + "'", "give bash, zsh or fish");
}

}  // namespace lo::cli
