#!/usr/bin/env bash
# Makes HOME/lib/superserver.jsa, a class-data-sharing archive of the classes a start of the
# server loads (the JDK's, the framework's and the bundles'), for this installation and the Java
# runtime that starts it (JAVA_HOME's, or the one on the PATH), with HOME/lib/superserver.jsa.runtime
# naming both and HOME/lib/superserver.jsa.stamps/ holding the time of each jar on the class path.
# Run as 'bin/superserver archive'; the build runs it once HOME (target/superserver) is assembled.
# bin/superserver maps the archive only on that runtime, in that installation, with those jars.
#
# The archive is made by one training start of HOME/bin/superserver with
# -XX:ArchiveClassesAtExit: the built-ins of the embedded default over TCP and UDP, as
# Configuration Admin services on ephemeral loopback ports (no fixed port is bound), each TCP one
# asked once, then SIGTERM. Exits 0 when the archive is made; otherwise says why, leaves no
# archive (the server then starts without one) and exits 1.
set -u

usage() {
    cat <<'USAGE'
Usage: superserver archive

Makes lib/superserver.jsa, a class-data-sharing archive of the classes a start loads, for this
installation and the Java runtime that starts it (JAVA_HOME's, or java on the PATH), by one
training start of the embedded default on ephemeral loopback ports (a few seconds; no fixed port
is bound). bin/superserver then maps it at every start on that runtime in this directory: the
first answer comes about a fifth sooner.

The build makes the archive in distribution/target/superserver for the build's runtime. Run this
once after unpacking the tar.gz, after moving or copying an installation, or after changing or
updating the Java runtime: bin/superserver says at a start when the archive does not fit. It
needs write access to lib/ (run it as the installation's owner); the archive and its record
(lib/superserver.jsa.runtime, the files of lib/superserver.jsa.stamps/) are read-only.
USAGE
}

case "${2:-}" in
    -h|--help) usage; exit 0 ;;
    "") ;;
    *) printf "superserver archive: unknown argument '%s'\nTry 'superserver archive --help'.\n" "$2" >&2; exit 2 ;;
esac
home=$(cd -P "${1:?usage: class-archive.sh HOME}" && pwd)
archive="$home/lib/superserver.jsa"

say() { printf 'superserver archive: %s\n' "$*"; }
fail() { say "$*" >&2; exit 1; }

[ -w "$home/lib" ] || fail "cannot write $home/lib; run it as the installation's owner"
rm -rf "$archive" "$archive.runtime" "$archive.stamps" || fail "cannot replace $archive"

if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    java="$JAVA_HOME/bin/java"
else
    java="$(command -v java)" || fail "no java found; set JAVA_HOME or put java on the PATH; no archive"
fi
java="$(readlink -f "$java")"
release="$(dirname "$(dirname "$java")")/release"
runtime="$(sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"$/\1/p' "$release" 2>/dev/null | head -n 1)"
[ -n "$runtime" ] || fail "$release names no JAVA_RUNTIME_VERSION, so a start could not tell the archive's runtime; no archive"

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

# An empty inetd.conf keeps the embedded default out, and the training services take the place of
# the installation's deploy/: nothing an administrator dropped there is started or bound.
JAVA_HOME="$(dirname "$(dirname "$java")")" \
    JAVA_OPTS="-XX:ArchiveClassesAtExit=$work/superserver.jsa" SUPERSERVER_OPTS="" \
    "$home/bin/superserver" --inetd "$work/none.conf" --deploy "$work/services" --data "$work/data" \
    > "$work/log" 2>&1 &
pid=$!

listening=0
for _ in $(seq 1 600); do
    listening=$(grep -c ' LISTEN service=' "$work/log" 2>/dev/null); listening=${listening:-0}
    [ "$listening" -ge "$expected" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
if [ "$listening" -lt "$expected" ]; then
    tail -n 20 "$work/log" >&2
    fail "the training start served $listening of $expected services within 60 s; no archive (its log above)"
fi
for port in $(sed -n 's/.* LISTEN service=.* protocol=tcp address=127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$work/log"); do
    if exec 3<>"/dev/tcp/127.0.0.1/$port"; then
        printf 'x\r\n' >&3
        timeout 0.3 head -c 100 <&3 > /dev/null 2>&1
        exec 3>&-
    fi
done
kill -TERM "$pid"
wait "$pid"
pid=""
if [ ! -s "$work/superserver.jsa" ]; then
    tail -n 20 "$work/log" >&2
    fail "the training start wrote no archive; no archive (its log above)"
fi
# Installed read-only, each under a new name renamed into place (never written through a link),
# the archive last: a start uses it only once all three are there.
# The time of each jar on the class path, which the JVM checks: an empty file of that time each.
mkdir "$work/stamps"
# bin/superserver hands over its class path (SUPERSERVER_CLASS_PATH), where the start checks them.
IFS=: read -r -a jars <<< "${SUPERSERVER_CLASS_PATH:?run it as 'bin/superserver archive'}"
for jar in "${jars[@]}"; do
    [ -f "$jar" ] && touch -r "$jar" "$work/stamps/${jar##*/}"
done
chmod 0444 "$work/stamps"/* && chmod 0755 "$work/stamps"
rm -rf "$archive.stamps.new" && cp -a "$work/stamps" "$archive.stamps.new" \
    && mv "$archive.stamps.new" "$archive.stamps" || fail "cannot write $archive.stamps"
printf '%s %s\n%s\n' "$java" "$runtime" "$home" > "$work/runtime"
install -m 0444 "$work/runtime" "$archive.runtime.new" && mv -f "$archive.runtime.new" "$archive.runtime" \
    || fail "cannot write $archive.runtime"
install -m 0444 "$work/superserver.jsa" "$archive.new" && mv -f "$archive.new" "$archive" \
    || fail "cannot write $archive"
say "made $archive for $java ($runtime) in $home, $(($(stat -c %s "$archive") / 1024)) KiB"
