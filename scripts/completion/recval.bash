# recval.bash - bash completion for recval(1): subcommands, each one's
# options, --format values, rule names for --ignore (from `recval rules`),
# and files or directories where an option or PATH takes one. Installed as
# share/bash-completion/completions/recval; or source it from ~/.bashrc.
# Keep it in step with docs/recval.1 (the recval_manpage test checks it
# names every subcommand, option and format; suites/check_completion.sh
# checks what it completes).

_recval_commands="validate fix rules hash replay schema"

# The options of subcommand $1 ("" for the top level).
_recval_options()
{
    case $1 in
    validate)
        echo "--format= --output= --junit= --strict --no-strict --jobs= --ignore= --config=" \
            "--no-config --tests= --baseline= --write-baseline= --stdin-filename=" \
            "--max-memory= --help --"
        ;;
    fix) echo "--dry-run --unsafe --format= --help --" ;;
    rules) echo "--format= --help" ;;
    hash) echo "--format= --request= --test-id= --help --" ;;
    replay) echo "--root= --request= --test-id= --recording-dir= --nearest= --format= --help" ;;
    schema) echo "--format= --output= --base= --max-memory= --stdin-filename= --help --" ;;
    "") echo "--help --version" ;;
    esac
}

# The --format values of subcommand $1.
_recval_formats()
{
    case $1 in
    validate | schema) echo "text json junit sarif github markdown" ;;
    *) echo "text json" ;;
    esac
}

# Rule names and families, for --ignore, from the recval being completed ($1).
_recval_rule_names()
{
    "$1" rules 2>/dev/null | while read -r name _; do
        echo "$name"
        echo "${name%%/*}"
    done | sort -u
}

# Sets COMPREPLY to the words of $1 that start with $2, each prefixed by $3.
_recval_reply()
{
    local w
    COMPREPLY=()
    for w in $1; do
        [[ $w == "$2"* ]] && COMPREPLY+=("$3$w")
    done
}

# Completes the value $3 of option $2 of subcommand $1, for program $4.
# $5 is what goes in front of each completion (the option and "=" when
# readline does not break words at "=").
_recval_value()
{
    local cmd=$1 opt=$2 value=$3 prog=$4 lead=$5
    case $opt in
    --format) _recval_reply "$(_recval_formats "$cmd")" "$value" "$lead" ;;
    --ignore)
        # A comma-separated list: complete its last element.
        local done_part=""
        [[ $value == *,* ]] && done_part=${value%,*},
        _recval_reply "$(_recval_rule_names "$prog")" "${value##*,}" "$lead$done_part"
        ;;
    --root | --recording-dir)
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -d -P "$lead" -- "$value")
        ;;
    --output | --junit | --config | --tests | --baseline | --write-baseline | --request | \
        --stdin-filename)
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -P "$lead" -- "$value")
        ;;
    *) COMPREPLY=() ;; # --jobs, --nearest, --test-id, --max-memory, --base: free text
    esac
}

_recval()
{
    # Words of the line up to the cursor, split at blanks only, so that
    # "--format=j" is one word whatever COMP_WORDBREAKS says.
    local line=${COMP_LINE:0:COMP_POINT}
    local -a words
    read -ra words <<<"$line"
    [[ $line == *[[:space:]] || ${#words[@]} -eq 0 ]] && words+=("")
    local cur=${words[-1]} n=${#words[@]}
    local prog=${words[0]} cmd="" prev="" i
    ((n >= 3)) && prev=${words[-2]}
    for ((i = 1; i < n - 1; i++)); do
        if [[ " $_recval_commands " == *" ${words[i]} "* ]]; then
            cmd=${words[i]}
            break
        fi
    done

    if [[ -z $cmd && $n -eq 2 ]]; then
        _recval_reply "$_recval_commands $(_recval_options "")" "$cur" ""
        return
    fi
    [[ -z $cmd ]] && { COMPREPLY=(); return; }

    # "--opt=value": readline replaces only what follows "=" when "=" breaks
    # words (the default), else the whole word.
    if [[ $cur == --*=* ]]; then
        local lead=""
        [[ $COMP_WORDBREAKS == *=* ]] || lead=${cur%%=*}=
        _recval_value "$cmd" "${cur%%=*}" "${cur#*=}" "$prog" "$lead"
        return
    fi
    # "--opt value"
    if [[ $prev == --* && " $(_recval_options "$cmd") " == *" $prev= "* ]]; then
        _recval_value "$cmd" "$prev" "$cur" "$prog" ""
        return
    fi
    if [[ $cur == -* ]]; then
        _recval_reply "$(_recval_options "$cmd")" "$cur" ""
        [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
        return
    fi
    # A PATH (rules takes none; replay takes only options).
    case $cmd in
    rules | replay) COMPREPLY=() ;;
    *)
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        ;;
    esac
}

complete -F _recval recval
