#!/usr/bin/env bash
# third_party/gopher-lua is gopher-lua as released plus the patches in
# third_party/gopher-lua-patches, applied in the order of their names;
# third_party/lua5.1-tests is files of the release's _lua5.1-tests plus
# the edits in its safesh.patch. DEVELOPERS.md says how to use this script.
#
#   patches.sh check       the tree is exactly the release plus the patches,
#                          and the suite its files plus safesh.patch
#   patches.sh stack DIR   DIR: a git repository of the release, one commit,
#                          then one commit for each patch, to edit with git
#   patches.sh export DIR  the patches and the tree from DIR's commits
#   patches.sh suite       rewrite third_party/lua5.1-tests/safesh.patch, the
#                          edits of the suite's files to gopher-lua's copies
#                          of them, from the files as they are
set -euo pipefail

module=github.com/yuin/gopher-lua
version=v1.1.2
sum=h1:yF/FjE3hD65tBbt0VXLE13HWS9h34fdzJmrWRXwobGA=
# What of the release the tree leaves out: CI workflows that never run here.
drop=(.github)

top=$(cd "$(dirname "$0")/.." && pwd)
tree=$top/third_party/gopher-lua
patches=$top/third_party/gopher-lua-patches
# Lua 5.1's test suite: gopher-lua's copies in _lua5.1-tests, with edits.
suite=$top/third_party/lua5.1-tests

die() { echo "patches.sh: $*" >&2; exit 1; }

# pristine DIR: the release, from the Go module cache, less $drop, into DIR.
pristine() {
	local json dir got
	json=$(cd "$work" && go mod download -json "$module@$version") ||
		die "go mod download $module@$version failed"
	dir=$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' <<<"$json")
	got=$(sed -n 's/^[[:space:]]*"Sum": "\(.*\)",$/\1/p' <<<"$json")
	[ -n "$dir" ] && [ -d "$dir" ] || die "no Dir in: $json"
	[ "$got" = "$sum" ] || die "$module@$version has sum $got, want $sum"
	cp -R "$dir" "$1"
	chmod -R u+w "$1"
	local d
	for d in "${drop[@]}"; do rm -rf "${1:?}/$d"; done
}

# suitediff PRISTINE: the edits of $suite's files to PRISTINE's copies.
suitediff() {
	local f name
	for f in "$suite"/*.lua; do
		name=$(basename "$f")
		[ -f "$1/_lua5.1-tests/$name" ] || die "$name is not in gopher-lua's _lua5.1-tests"
		diff -u --label "a/$name" --label "b/$name" "$1/_lua5.1-tests/$name" "$f" || true
	done
}

# The patches, in order.
list() {
	local p
	for p in "$patches"/[0-9][0-9][0-9][0-9]-*.patch; do
		[ -e "$p" ] && echo "$p"
	done
	return 0
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# git must not take $work for part of some repository around it.
export GIT_CEILING_DIRECTORIES=$work

case "${1:-}" in
check)
	pristine "$work/tree"
	if ! suitediff "$work/tree" | cmp -s - "$suite/safesh.patch"; then
		suitediff "$work/tree" | diff -u "$suite/safesh.patch" - || true
		die "third_party/lua5.1-tests is not gopher-lua's copies plus its safesh.patch (patches.sh suite rewrites it)"
	fi
	n=0
	while read -r p; do
		name=$(basename "$p")
		grep -qF "$name" "$patches/PATCHES.md" ||
			die "$name is not listed in third_party/gopher-lua-patches/PATCHES.md"
		(cd "$work/tree" && git apply --whitespace=nowarn "$p") ||
			die "$name does not apply"
		n=$((n + 1))
	done < <(list)
	if ! diff -ru "$work/tree" "$tree" >"$work/diff"; then
		sed "s|$work/tree|$module@$version+patches|g" "$work/diff"
		die "third_party/gopher-lua is not $module@$version plus the $n patches (see DEVELOPERS.md)"
	fi
	echo "third_party/gopher-lua is $module@$version plus the $n patches of third_party/gopher-lua-patches"
	echo "third_party/lua5.1-tests is its _lua5.1-tests plus safesh.patch"
	;;
stack)
	dir=${2:?usage: patches.sh stack DIR}
	[ ! -e "$dir" ] || [ -z "$(ls -A "$dir")" ] || die "$dir is not empty"
	mkdir -p "$dir"
	pristine "$work/tree"
	cp -R "$work/tree/." "$dir"
	cd "$dir"
	export GIT_CEILING_DIRECTORIES=$(dirname "$(pwd)")
	git init -q
	# New commits in DIR are by whoever runs this in the project.
	git config user.name "$(git -C "$top" config user.name || echo safesh)"
	git config user.email "$(git -C "$top" config user.email || echo safesh@localhost)"
	git add -A -f .
	GIT_AUTHOR_DATE="@0 +0000" GIT_COMMITTER_DATE="@0 +0000" git commit -q -m "$module $version as released"
	git tag pristine
	while read -r p; do
		git am -q --keep-cr "$p" || die "$(basename "$p") does not apply (git am --abort in $dir)"
	done < <(list)
	git log --oneline pristine..
	echo "$dir: $module@$version, then one commit for each patch; edit, then: patches.sh export $dir"
	;;
export)
	dir=${2:?usage: patches.sh export DIR}
	git -C "$dir" rev-parse -q --verify pristine >/dev/null || die "$dir has no tag pristine: make it with patches.sh stack"
	[ -z "$(git -C "$dir" status --porcelain)" ] || die "$dir has changes not committed"
	mkdir -p "$patches"
	while read -r p; do rm -f "$p"; done < <(list)
	git -C "$dir" format-patch -q --no-numbered --zero-commit --no-signature -o "$patches" pristine..HEAD
	rm -rf "$tree"
	mkdir -p "$tree"
	git -C "$dir" archive HEAD | tar -x -C "$tree"
	list | sed "s|^$top/||"
	exec "$0" check
	;;
suite)
	pristine "$work/tree"
	suitediff "$work/tree" >"$suite/safesh.patch"
	grep -c '^+++ ' "$suite/safesh.patch" | sed 's/$/ files edited/'
	;;
*)
	sed -n '2,14s/^# \{0,1\}//p' "$0" >&2
	exit 2
	;;
esac
