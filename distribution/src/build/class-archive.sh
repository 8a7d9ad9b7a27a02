#!/usr/bin/env bash
# Makes HOME/lib/superserver.jsa, a class-data-sharing archive of the classes a start of the
# server loads (the JDK's, the framework's and the bundles'), for the Java runtime that runs this
# build, and HOME/lib/superserver.jsa.runtime naming that runtime. bin/superserver maps the archive
# when it starts on that same runtime: start-up about a fifth shorter, resident memory about 3 MiB
# smaller. Called by the distribution module's build once HOME (target/superserver) is assembled:
#
#   distribution/src/build/class-archive.sh HOME
#
# The archive is made by one training start of HOME/bin/superserver with
# -XX:ArchiveClassesAtExit: the built-ins of the embedded default over TCP and UDP, as
# Configuration Admin services on ephemeral loopback ports (no fixed port is bound), each TCP one
# asked once, then SIGTERM. A build never fails for it: without a runtime that has a release file,
# or when the training start does not come up, it says so and leaves no archive (the server then
# starts without one).
set -u
home=$(cd "${1:?usage: class-archive.sh HOME}" && pwd)
archive="$home/lib/superserver.jsa"
rm -f "$archive" "$archive.runtime"

say() { printf 'class-archive: %s\n' "$*"; }

if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    java="$JAVA_HOME/bin/java"
else
    java="$(command -v java)" || { say "no java found; no archive"; exit 0; }
fi
java="$(readlink -f "$java")"
release="$(dirname "$(dirname "$java")")/release"
runtime="$(sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"$/\1/p' "$release" 2>/dev/null | head -n 1)"
[ -n "$runtime" ] || { say "$release names no JAVA_RUNTIME_VERSION; no archive"; exit 0; }

work="$(mktemp -d "${TMPDIR:-/tmp}/superserver-class-archive.XXXXXX")"
pid=""
cleanup() {
    [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/services"
: > "$work/none.conf"
for cfg in "$home"/etc/default/org.superserver.service-*.cfg; do
    sed 's/^port = .*/port = 0/' "$cfg" > "$work/services/$(basename "$cfg")"
done
expected=$(find "$work/services" -name '*.cfg' | wc -l)

# An empty inetd.conf keeps the embedded default out; FileInstall reads the training services instead.
JAVA_HOME="$(dirname "$(dirname "$java")")" \
    JAVA_OPTS="-XX:ArchiveClassesAtExit=$work/superserver.jsa" \
    SUPERSERVER_OPTS="-Dfelix.fileinstall.dir=$work/services" \
    "$home/bin/superserver" --inetd "$work/none.conf" --data "$work/data" > "$work/log" 2>&1 &
pid=$!

listening=0
for _ in $(seq 1 600); do
    listening=$(grep -c ' LISTEN service=' "$work/log" 2>/dev/null); listening=${listening:-0}
    [ "$listening" -ge "$expected" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
if [ "$listening" -lt "$expected" ]; then
    say "the training start served $listening of $expected services within 60 s; no archive (log below)"
    tail -n 20 "$work/log"
    exit 0
fi
for port in $(sed -n 's/.* LISTEN service=.* protocol=tcp address=127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$work/log"); do
    if exec 3<>"/dev/tcp/127.0.0.1/$port"; then
        printf 'x\r\n' >&3
        timeout 0.3 head -c 100 <&3 > /dev/null
        exec 3>&-
    fi
done
kill -TERM "$pid"
wait "$pid"
pid=""
if [ ! -s "$work/superserver.jsa" ]; then
    say "the training start wrote no archive; no archive (log below)"
    tail -n 20 "$work/log"
    exit 0
fi
install -m 0444 "$work/superserver.jsa" "$archive"
printf '%s %s\n' "$java" "$runtime" > "$archive.runtime"
chmod 0444 "$archive.runtime"
say "made $archive for $java ($runtime), $(($(stat -c %s "$archive") / 1024)) KiB"
