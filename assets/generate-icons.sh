#!/usr/bin/env sh
# Regenerates every icon in assets/ from icon.svg, offline.
# Needs Debian packages: librsvg2-bin (rsvg-convert), imagemagick (convert, for .ico), icnsutils (png2icns).
#   icons/<N>x<N>.png  Linux icon set (electron-builder reads the size from the file name)
#   icon.icns          macOS (16..1024)
#   icon.ico           Windows (16..256, PNG-compressed 256 entry)
set -eu
cd "$(dirname "$0")"
mkdir -p icons
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for n in 16 24 32 48 64 128 256 512 1024; do
  rsvg-convert -w "$n" -h "$n" icon.svg -o "$tmp/$n.png"
done
for n in 16 32 48 64 128 256 512; do cp "$tmp/$n.png" "icons/${n}x${n}.png"; done
png2icns icon.icns "$tmp/16.png" "$tmp/32.png" "$tmp/48.png" "$tmp/128.png" "$tmp/256.png" "$tmp/512.png" "$tmp/1024.png"
# /usr/bin/convert explicitly: some images put a stand-in `convert` earlier on PATH.
/usr/bin/convert "$tmp/16.png" "$tmp/24.png" "$tmp/32.png" "$tmp/48.png" "$tmp/64.png" "$tmp/128.png" "$tmp/256.png" icon.ico
