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

# utime+stime of process PID since it started, in clock ticks (/proc/PID/stat).
own_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# Microseconds per operation: us_per_op TICKS COUNT (clock ticks spent on COUNT operations).
us_per_op() { awk -v d="$1" -v n="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.1f", (n > 0 ? d * 1e6 / hz / n : 0)}'; }

# A command prefix that runs CMD in a mount namespace of its own whose /etc/services is FILE, so
# that a daemon that reads its ports from there gets the benchmark's: "${IN_SERVICES[@]}" FILE CMD...
# (an array, not a function, so that setsid can run it)
IN_SERVICES=(unshare -m --propagation private sh -c 'mount --bind "$0" /etc/services && exec "$@"')

# The context switches of every processor since boot (/proc/stat: ctxt).
machine_switches() { awk '$1 == "ctxt" { print $2; exit }' /proc/stat; }
