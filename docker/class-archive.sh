#!/bin/sh
# Makes the connector's class archive (Java's Application Class-Data Sharing, JDK 17's dynamic
# archive): one training run of the connector records the classes it loads while it starts, and
# later starts map them from the archive instead of reading, parsing and verifying them again from
# the jars. Measured with ConnectionsScaleBenchmark, which makes its archive with this script too:
# start-up to ready and its CPU time fall by about a third.
#
#   sh docker/class-archive.sh <archive> <connector jar> [java flags ...]
#
# Run it in the directory the connector runs in (routes/ and mappings/ beside it), with the java
# that will run the connector: an archive is only used by the same JVM build with the same jars
# (java checks their paths, sizes and dates and otherwise warns and starts without it, never
# fails). The Dockerfile runs it in the image's run stage; use -XX:SharedArchiveFile=<archive>.
#
# The training run is the connector as production starts it, with made-up credentials and both
# APIs at a closed local port: it creates every route of the default connection, opens a
# throw-away embedded database, fails to reach Exact and Squarespace (no network is needed) and
# stops itself after CAMEL_MAIN_DURATIONMAXSECONDS (Camel Main's own limit), so java writes the
# archive as it exits. The credentials are not secrets and nothing of the run is kept.
set -eu

if [ $# -lt 2 ]; then
  echo "usage: $0 <archive> <connector jar> [java flags ...]" >&2
  exit 2
fi
archive=$1
jar=$2
shift 2

data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT

# nothing answers on port 9 (discard) of the loopback address: every call fails at once
closed=http://127.0.0.1:9
env -u CONNECTOR_DB_URL -u CONNECTOR_CONNECTIONS_DIR \
  CAMEL_MAIN_DURATIONMAXSECONDS="${CLASS_ARCHIVE_SECONDS:-15}" \
  CONNECTOR_DATA_DIR="$data" \
  CONNECTOR_DEMO=off \
  CONNECTOR_HTTP_PORT="${CONNECTOR_HTTP_PORT:-8080}" \
  CONNECTOR_API_TOKEN=class-archive-training-run-token \
  SQUARESPACE_API_URL=$closed \
  SQUARESPACE_API_KEY=class-archive-training \
  EXACT_BASE_URL=$closed \
  EXACT_CLIENT_ID=class-archive-training \
  EXACT_CLIENT_SECRET=class-archive-training \
  EXACT_REFRESH_TOKEN=class-archive-training \
  EXACT_DIVISION=1 \
  EXACT_RETRY_MAX_REDELIVERIES=0 \
  "${JAVA:-java}" "$@" -XX:ArchiveClassesAtExit="$archive" -jar "$jar" > "$data/training.log" 2>&1 \
  || { echo "class archive: the training run failed; its log:" >&2; cat "$data/training.log" >&2; exit 1; }

if [ ! -s "$archive" ]; then
  echo "class archive: java wrote no $archive; the training run's log:" >&2
  cat "$data/training.log" >&2
  exit 1
fi
echo "class archive: $archive ($(wc -c < "$archive") bytes)"
