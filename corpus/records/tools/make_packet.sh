#!/bin/bash
# make_packet.sh BATCH LANG FILE... : packet for both labellers, records copied into the corpus
set -e
batch=$1; lang=$2; shift 2
cat "$@" > /work/labelling/packets/$batch.records
mkdir -p /work/labelling/packets/$lang
cp /work/labelling/packets/$batch.records /work/labelling/packets/$lang/$batch.records
/work/main/target/release/cofnod label-packet /work/labelling/packets/$lang/$batch.records --out /work/labelling/packets/$batch
cp /work/labelling/packets/$batch.txt /work/labelling/A/$batch.txt
cp /work/labelling/packets/$batch.txt /work/labelling/B/$batch.txt
cp /work/labelling/packets/$batch.records /work/main/corpus/records/$lang/$batch.records
