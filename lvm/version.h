/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * version.h - ivg's version, IVG_VERSION ("0.1.0"). Its one source is the
 * VERSION file at the top of the tree: the Makefile passes it to every
 * compiler run as -DIVG_VERSION="...". There is no fallback value, so
 * that no binary or metadata text can carry another: a build that does
 * not define it stops here.
 */
#ifndef IVG_VERSION_H
#define IVG_VERSION_H

#ifndef IVG_VERSION
#error "IVG_VERSION is not defined: build with make, which defines it from the VERSION file"
#endif

#endif
