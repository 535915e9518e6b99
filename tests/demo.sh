#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make demo: an install VG on three sparse image files under demo/.
set -e
BIN=$1
cd "$(dirname "$0")/.."
rm -rf demo
mkdir demo
echo "# $BIN/ivgcreate -y --size 2g ivgdemo demo/disk0.img demo/disk1.img demo/disk2.img"
"$BIN/ivgcreate" -y --devices demo/disk0.img --size 2g ivgdemo \
	demo/disk0.img demo/disk1.img demo/disk2.img
echo
echo "# $BIN/ivgs --devices demo/disk0.img,demo/disk1.img,demo/disk2.img -a"
"$BIN/ivgs" --devices demo/disk0.img,demo/disk1.img,demo/disk2.img -a
echo
echo "# du -h --apparent-size demo; du -h demo   (the images are sparse)"
du -h --apparent-size demo | tail -1
du -h demo | tail -1
