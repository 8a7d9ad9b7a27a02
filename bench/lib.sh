# Shell functions shared by the benchmark scripts of this folder; sourced, not run.
# A script sets BENCH_NAME (for die) and LOG (for log) before it calls them.

# Ends the script with a message naming it.
die() { echo "${BENCH_NAME:-bench}: $*" >&2; exit 2; }

# Ends the script unless each named variable holds a whole number.
whole_numbers() { local v; for v; do [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number (is '${!v}')"; done; }

# A time-stamped line on standard error and in $LOG.
log() { printf '[%s] %s\n' "$(date +%T)" "$*" | tee -a "$LOG" >&2; }

# The value of KEY in a line of key=value pairs (ssbench's last line): kv LINE KEY
kv() { printf '%s\n' "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k { print $2; exit }'; }

# The median of the numeric arguments ("-" when there is none).
median() { printf '%s\n' "$@" | grep -E '^-?[0-9.]+$' | sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) { print "-"; exit } if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# Whether process PID exists and is not a zombie.
alive() { local s; s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1; s=${s##*) }; [ "${s:0:1}" != Z ]; }

# The busy time of every processor since boot, in clock ticks (/proc/stat: user nice system irq softirq).
machine_ticks() {
  local label user nice system idle iowait irq softirq rest
  read -r label user nice system idle iowait irq softirq rest < /proc/stat
  echo $((user + nice + system + irq + softirq))
}

# The context switches of every processor since boot (/proc/stat: ctxt).
machine_switches() { awk '$1 == "ctxt" { print $2; exit }' /proc/stat; }
