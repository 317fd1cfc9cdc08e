#!/bin/sh
# Install the one-folder build for one user (default) or system-wide, with menu entry and icon.
#   packaging/linux/install.sh [DIST_DIR] [PREFIX]       DIST_DIR defaults to dist/diligence
#   packaging/linux/install.sh --uninstall [PREFIX]      PREFIX defaults to ~/.local (root: /usr/local)
# Inside a build the same files sit in dist/diligence/_internal/share/, so a copied dist folder
# installs itself:  dist/diligence/_internal/share/install.sh
set -eu

here=$(cd "$(dirname "$0")" && pwd)
default_prefix() { if [ "$(id -u)" = 0 ]; then echo /usr/local; else echo "$HOME/.local"; fi; }

if [ "${1:-}" = "--uninstall" ]; then
    prefix=${2:-$(default_prefix)}
    rm -rf "$prefix/lib/diligence"
    rm -f "$prefix/bin/diligence" "$prefix/share/applications/diligence.desktop" \
          "$prefix/share/icons/hicolor/scalable/apps/diligence.svg" \
          "$prefix/share/metainfo/io.diligence.Diligence.metainfo.xml"
    echo "Removed Diligence from $prefix (workspaces in your data folder are kept)."
    exit 0
fi

if [ $# -ge 1 ]; then
    dist=$1
elif [ -x "$here/../../diligence" ]; then
    dist=$here/../..          # running from dist/diligence/_internal/share
else
    dist=$here/../../dist/diligence   # running from the checkout
fi
dist=$(cd "$dist" && pwd)
prefix=${2:-$(default_prefix)}
[ -x "$dist/diligence" ] || { echo "install.sh: no diligence executable in $dist (run make package first)" >&2; exit 2; }

mkdir -p "$prefix/lib" "$prefix/bin" "$prefix/share/applications" \
         "$prefix/share/icons/hicolor/scalable/apps" "$prefix/share/metainfo"
# Copy to a temporary name, then swap: an interrupted install never leaves half a program.
rm -rf "$prefix/lib/diligence.new"
cp -a "$dist" "$prefix/lib/diligence.new"
rm -rf "$prefix/lib/diligence"
mv "$prefix/lib/diligence.new" "$prefix/lib/diligence"
ln -sf "$prefix/lib/diligence/diligence" "$prefix/bin/diligence"
# Menus do not always search ~/.local/bin, so the launcher names the executable by full path.
sed "s|^Exec=diligence|Exec=$prefix/lib/diligence/diligence|; s|^TryExec=diligence|TryExec=$prefix/lib/diligence/diligence|" \
    "$here/diligence.desktop" > "$prefix/share/applications/diligence.desktop"
cp "$here/diligence.svg" "$prefix/share/icons/hicolor/scalable/apps/diligence.svg"
cp "$here/io.diligence.Diligence.metainfo.xml" "$prefix/share/metainfo/"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$prefix/share/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$prefix/share/icons/hicolor" || true
echo "Installed Diligence $("$prefix/bin/diligence" --version | cut -d' ' -f2) in $prefix/lib/diligence"
echo "Start it from your applications menu, or run: $prefix/bin/diligence"
