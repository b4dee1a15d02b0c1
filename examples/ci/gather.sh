#!/usr/bin/env bash
# gather.sh: run it in CI after a test or load step failed. It collects what a dead clw-worker left
# behind into one folder, runs clw-diag on it, and writes the reports a CI system can show.
#
#   bash gather.sh [--out DIR] [--since TIME] [--unit UNIT].. [--logs PATH|GLOB].. [--cores DIR]..
#                  [--clw-diag CMD] [--fail-on LEVEL] [--exit-zero] [--sudo]
#
# Every option can be given as an environment variable instead (a flag wins; lists are
# space-separated, so name paths with spaces by flags):
#
#   --out DIR          CLW_GATHER_OUT      where everything goes (default ./clw-diag)
#   --since TIME       CLW_GATHER_SINCE    1h, 30m, 2d or an ISO time: narrows the journal, the cores and
#                                          the analysis (default: everything there is)
#   --unit UNIT        CLW_GATHER_UNITS    journald units to export, globs allowed
#                                          ('clw-worker@*.service'); repeatable. None: no journal export
#   --logs PATH|GLOB   CLW_GATHER_LOGS     worker logs, or folders of logs; repeatable (default: where
#                                          `clw-diag --worker-logs` looks, /var/log/clw/worker.log and
#                                          /var/log/claw/worker.log). With --since, rotated siblings
#                                          (worker.log.1, worker.log.2.gz) written inside it come too
#   --cores DIR|FILE   CLW_GATHER_CORES    where cores are dumped, besides /var/lib/systemd/coredump and
#                                          the folder of an absolute kernel.core_pattern; repeatable
#   --clw-diag CMD     CLW_GATHER_DIAG     how to run clw-diag (default "npx clw-diag")
#   --fail-on LEVEL    CLW_GATHER_FAIL_ON  critical | error (default) | warning | never, passed to clw-diag
#   --exit-zero        CLW_GATHER_EXIT_ZERO=1   exit 0 whatever clw-diag found
#   --sudo             CLW_GATHER_SUDO=1   read dmesg, the journal and root-owned cores through `sudo -n`
#
# What lands in DIR:
#   collected/         the inputs: logs/<original path>, dmesg.txt, journal-<unit>.json,
#                      coredumpctl-info.txt, cores/
#   report.json report.md report.html junit.xml   clw-diag's reports (--format json|markdown|html|junit)
#   gather.log         what was collected, what was missing and why, core settings of the host
# When GITHUB_STEP_SUMMARY is set, report.md is appended to it (the job summary on GitHub).
#
# A missing source (no dmesg permission, no journal, no worker log, no core) is a line in gather.log
# and on stderr, never a failure. The exit code is clw-diag's for the analysis (0 nothing at or above
# --fail-on, 1 an incident at or above it, 2 an input or usage error; anything else: clw-diag did not
# run), or 0 with --exit-zero.

set -u

out=${CLW_GATHER_OUT:-clw-diag}
since=${CLW_GATHER_SINCE:-}
diag_cmd=${CLW_GATHER_DIAG:-npx clw-diag}
fail_on=${CLW_GATHER_FAIL_ON:-error}
exit_zero=${CLW_GATHER_EXIT_ZERO:-0}
use_sudo=${CLW_GATHER_SUDO:-0}
units=() logs=() core_dirs=()
# Lists from the environment: split on blanks, globs kept for later.
read -r -a units <<<"${CLW_GATHER_UNITS:-}"
read -r -a logs <<<"${CLW_GATHER_LOGS:-}"
read -r -a core_dirs <<<"${CLW_GATHER_CORES:-}"
flag_units=() flag_logs=() flag_cores=()

help() { sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0; }
misuse() { echo "gather: $1 (gather.sh --help for the options)" >&2; exit 2; }
need_value() { if [ $# -lt 2 ] || [ -z "$2" ]; then misuse "$1 needs a value"; fi; }
while [ $# -gt 0 ]; do
  case $1 in
    --out) need_value "$@"; out=$2; shift ;;
    --since) need_value "$@"; since=$2; shift ;;
    --unit) need_value "$@"; flag_units+=("$2"); shift ;;
    --logs) need_value "$@"; flag_logs+=("$2"); shift ;;
    --cores) need_value "$@"; flag_cores+=("$2"); shift ;;
    --clw-diag) need_value "$@"; diag_cmd=$2; shift ;;
    --fail-on) need_value "$@"; fail_on=$2; shift ;;
    --exit-zero) exit_zero=1 ;;
    --sudo) use_sudo=1 ;;
    -h|--help) help ;;
    *) misuse "unknown option $1" ;;
  esac
  shift
done
case $fail_on in critical|error|warning|never) ;; *) misuse "--fail-on $fail_on: expected critical, error, warning or never" ;; esac
[ ${#flag_units[@]} -gt 0 ] && units=("${flag_units[@]}")
[ ${#flag_logs[@]} -gt 0 ] && logs=("${flag_logs[@]}")
[ ${#flag_cores[@]} -gt 0 ] && core_dirs=("${flag_cores[@]}")
[ ${#logs[@]} -gt 0 ] || logs=(/var/log/clw/worker.log /var/log/claw/worker.log)

collected=$out/collected
mkdir -p "$collected/cores" "$collected/logs" || { echo "gather: cannot create $out" >&2; exit 2; }
rm -f "$out/report.json" "$out/report.md" "$out/report.html" "$out/junit.xml"
gather_log=$out/gather.log
: >"$gather_log"
say() { printf '%s\n' "$*" >>"$gather_log"; printf 'gather: %s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }
# Privileged reads go through `sudo -n` when asked: it never prompts, it fails.
priv() { if [ "$use_sudo" = 1 ] && have sudo; then sudo -n "$@"; else "$@"; fi; }
first_line() { head -n 1 "$1" 2>/dev/null | cut -c1-200; }

# --since as seconds since the epoch, for journalctl, coredumpctl and the age of cores.
since_epoch=
if [ -n "$since" ]; then
  if [[ $since =~ ^([0-9]+(\.[0-9]+)?)\ *(s|sec|m|min|h|d|w)$ ]]; then
    case ${BASH_REMATCH[3]} in s|sec) unit=1 ;; m|min) unit=60 ;; h) unit=3600 ;; d) unit=86400 ;; w) unit=604800 ;; esac
    since_epoch=$(awk -v now="$(date +%s)" -v n="${BASH_REMATCH[1]}" -v u="$unit" 'BEGIN { printf "%d", now - n * u }')
  elif [[ $since =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2} ]]; then
    since_epoch=$(date -u -d "$since" +%s 2>/dev/null)
  fi
  if [ -z "$since_epoch" ]; then
    say "--since $since: not a duration (1h, 30m, 2d) or an ISO time; gathering everything instead"
    since=
  fi
fi
since_ref=$out/.since
[ -n "$since_epoch" ] && touch -d "@$since_epoch" "$since_ref"
newer_than_since() { [ -z "$since_epoch" ] || [ "$1" -nt "$since_ref" ]; }

{
  echo "host: $(uname -srm 2>/dev/null)"
  echo "core_pattern: $(cat /proc/sys/kernel/core_pattern 2>/dev/null || echo unknown)"
  echo "core size limit (of this shell): $(ulimit -c)"
  echo "since: ${since:-everything}"
} >>"$gather_log"

# Worker logs: copied under collected/logs/<their absolute path>, so two worker.log never collide.
diag_logs=() diag_paths=()
copy_log() {
  local src=$1 dir base dest n=0 skipped=0 sib
  dir=$(cd "$(dirname "$src")" && pwd -P) || return
  base=$(basename "$src")
  dest=$collected/logs$dir
  mkdir -p "$dest" || return
  if [ -d "$src" ]; then
    cp -Rp "$src" "$dest/" && diag_paths+=("$dest/$base") && say "collected the folder of logs $src"
    return
  fi
  cp -p "$src" "$dest/$base" || { say "worker log $src: cannot copy it"; return; }
  diag_logs+=("$dest/$base")
  for sib in "$dir/$base".*; do
    [[ ${sib#"$dir/$base".} =~ ^[0-9]+(\.gz)?$ ]] || continue
    if [ -n "$since_epoch" ] && newer_than_since "$sib"; then cp -p "$sib" "$dest/" && n=$((n + 1)); else skipped=$((skipped + 1)); fi
  done
  if [ "$n" -gt 0 ]; then say "collected the worker log $src and its rotated siblings: $n"; else say "collected the worker log $src"; fi
  [ "$skipped" -eq 0 ] || say "$src: rotated siblings left out (older than --since, or no --since): $skipped"
}
for pattern in "${logs[@]}"; do
  matched=0
  # A pattern is expanded here, once, as the shell would have; a literal path matches itself.
  shopt -s nullglob
  IFS=$'\n'
  # shellcheck disable=SC2206
  expanded=($pattern)
  unset IFS
  shopt -u nullglob
  [ ${#expanded[@]} -gt 0 ] || expanded=("$pattern")
  for f in "${expanded[@]}"; do
    if [ -e "$f" ]; then copy_log "$f"; matched=1; fi
  done
  [ "$matched" = 1 ] || say "worker log $pattern: not there"
done

# The kernel's ring buffer, with ISO times; a refusal (dmesg_restrict, no CAP_SYSLOG) is noted.
if have dmesg || [ "$use_sudo" = 1 ]; then
  err=$out/.dmesg.err
  if priv dmesg --time-format iso >"$collected/dmesg.txt" 2>"$err" || priv dmesg >"$collected/dmesg.txt" 2>>"$err"; then
    say "collected dmesg ($(wc -l <"$collected/dmesg.txt") lines)"
    diag_paths+=("$collected/dmesg.txt")
  else
    say "dmesg refused: $(first_line "$err") (run as root, or pass --sudo)"
    rm -f "$collected/dmesg.txt"
  fi
  rm -f "$err"
else
  say "dmesg: not installed"
fi

# The journal of each unit, as journalctl -o json lines.
if [ ${#units[@]} -eq 0 ]; then
  say "journal: no --unit given; not exported"
elif ! have journalctl; then
  say "journal: journalctl is not installed"
else
  for unit in "${units[@]}"; do
    file=$collected/journal-$(printf '%s' "$unit" | tr -c 'A-Za-z0-9._@-' '_').json
    args=(--no-pager -q -o json -u "$unit")
    [ -n "$since_epoch" ] && args+=(--since "@$since_epoch")
    err=$out/.journal.err
    priv journalctl "${args[@]}" >"$file" 2>"$err"
    if [ -s "$file" ]; then
      say "collected the journal of $unit ($(wc -l <"$file") entries)"
      diag_paths+=("$file")
    else
      if [ -s "$err" ]; then say "journal of $unit: nothing ($(first_line "$err"))"; else say "journal of $unit: no entries"; fi
      rm -f "$file"
    fi
    rm -f "$err"
  done
fi

# Cores: the folders named, systemd-coredump's, and the kernel's own when core_pattern is a path.
core_dirs+=(/var/lib/systemd/coredump)
pattern=$(cat /proc/sys/kernel/core_pattern 2>/dev/null)
[[ $pattern == /* ]] && core_dirs+=("$(dirname "$pattern")")
core_name='^(core(\.[0-9]+)?|.+\.core|clw-core\.[0-9]+|core\.[^/]+\.[0-9]+\.[0-9a-f]{32}\.[0-9]+\.[0-9]+(\.(zst|lz4|xz))?)$'
ncores=0
copy_core() {
  local src=$1 dest
  dest=$collected/cores/$(basename "$src")
  if [ -e "$dest" ]; then say "core $src: one of that name is already collected; left out"; return; fi
  if [ -r "$src" ]; then cp -p "$src" "$dest"
  elif [ "$use_sudo" = 1 ]; then priv cp -p "$src" "$dest" && priv chown "$(id -u):$(id -g)" "$dest"
  else false; fi || { say "core $src: cannot read it (pass --sudo)"; rm -f "$dest"; return; }
  ncores=$((ncores + 1))
  say "collected the core $src"
}
seen_dirs=" "
for dir in "${core_dirs[@]}"; do
  case $seen_dirs in *" $dir "*) continue ;; esac
  seen_dirs="$seen_dirs$dir "
  if [ -f "$dir" ]; then copy_core "$dir"; continue; fi
  [ -d "$dir" ] || { [ "$dir" = /var/lib/systemd/coredump ] || say "cores: no folder $dir"; continue; }
  for f in "$dir"/*; do
    [ -f "$f" ] && [[ ${f##*/} =~ $core_name ]] && newer_than_since "$f" && copy_core "$f"
  done
done
[ "$ncores" -gt 0 ] || say "cores: none found${since:+ since $since}"
if have coredumpctl; then
  args=(--no-pager info)
  [ -n "$since_epoch" ] && args+=(--since "@$since_epoch")
  if priv coredumpctl "${args[@]}" >"$collected/coredumpctl-info.txt" 2>/dev/null && [ -s "$collected/coredumpctl-info.txt" ]; then
    say "collected coredumpctl info"
    diag_paths+=("$collected/coredumpctl-info.txt")
  else
    rm -f "$collected/coredumpctl-info.txt"
    say "coredumpctl: no core dumps recorded"
  fi
fi
rm -f "$since_ref"

# The analysis: one clw-diag run per format. The cores are analysed in the first run and served from
# clw-diag's per-core cache in the others.
inputs=("${diag_paths[@]}")
for f in "${diag_logs[@]}"; do inputs+=(--worker-logs "$f"); done
inputs+=(--cores "$collected/cores" --fail-on "$fail_on")
[ -n "$since" ] && inputs+=(--since "$since")
diag() { eval "$diag_cmd"' "$@"'; }

diag "${inputs[@]}" --format json --output "$out/report.json"
code=$?
if [ -f "$out/report.json" ]; then
  say "clw-diag: report.json written (exit $code)"
else
  say "clw-diag ($diag_cmd) wrote no report (exit $code)"
  [ "$code" -ne 0 ] || code=2
fi
for pair in markdown:report.md html:report.html junit:junit.xml; do
  format=${pair%%:*} file=$out/${pair#*:}
  [ -f "$out/report.json" ] || break
  # The first run said the notes (and, with GITHUB_ACTIONS=true, printed the workflow commands that
  # annotate the run); here only a failure to write this format is news.
  diag "${inputs[@]}" --format "$format" --output "$file" >/dev/null 2>"$out/.diag.err"
  [ -f "$file" ] || say "clw-diag wrote no $format report: $(grep -v '^Run ' "$out/.diag.err" | head -n 1 | cut -c1-200)"
done
rm -f "$out/.diag.err"

if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  if [ -f "$out/report.md" ]; then
    # GitHub takes at most 1 MiB of summary per step.
    if [ "$(wc -c <"$out/report.md")" -gt 1000000 ]; then
      { head -c 1000000 "$out/report.md"; printf '\n\n*(cut at 1 MB: the whole report is in the artifact)*\n'; } >>"$GITHUB_STEP_SUMMARY"
    else
      cat "$out/report.md" >>"$GITHUB_STEP_SUMMARY"
    fi
  else
    printf '## clw-diag report\n\nNo report was written; see gather.log in the artifact.\n' >>"$GITHUB_STEP_SUMMARY"
  fi
fi

[ "$exit_zero" = 1 ] && exit 0
exit "$code"
