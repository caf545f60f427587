#!/bin/bash
# make_packet.sh BATCH LANG FILE... : the blind packet, the records copied into corpus/blind
set -e
batch=$1; lang=$2; shift 2
mkdir -p /work/blind/labelling/packets/$lang /work/main/corpus/blind/records/$lang
cat "$@" > /work/blind/labelling/packets/$lang/$batch.records
/work/main/target/release/cofnod label-packet /work/blind/labelling/packets/$lang/$batch.records --out /work/blind/labelling/packets/$batch
cp /work/blind/labelling/packets/$lang/$batch.records /work/main/corpus/blind/records/$lang/$batch.records
