# Installation (included by the top Makefile), in components as a
# distribution packages them:
#   make install [PREFIX=/usr/local] [DESTDIR=]   install-lib, install-dev,
#                                                 install-tools and
#                                                 install-bridge
#     install-lib     libatmqtt.so.<VERSION> and its SONAME link
#     install-dev     the headers (under INCLUDEDIR/atmqtt/), libatmqtt.so,
#                     libatmqtt.a, libatmqtt.pc, libatmqtt(3)
#     install-tools   atmqtt (which needs install-lib's libatmqtt.so.1),
#                     atmqtt-attach@.service, the udev rule example,
#                     completion, atmqtt(8)
#     install-bridge  atmqtt-bridge, atmqtt-bridge@.service, its example
#                     configuration, atmqtt-bridge(8)
#   make install-sim                              atmqtt-sim and its man page:
#                                                 a test tool, not for a
#                                                 gateway, so not in install
#   make uninstall                                every component, removed
#   make modules_install [KVER=] [INSTALL_MOD_PATH=]  the module, then depmod
#   make man                                      build/man/*.[138]
# On Debian (a compiler that knows its multiarch tuple) LIBDIR is
# PREFIX/lib/<tuple>, as Debian's packages and ld.so.conf.d have it; the
# tuple is CC's, so a CROSS build installs for the board.
PREFIX ?= /usr/local
MULTIARCH ?= $(shell $(or $(CC),cc) -print-multiarch 2>/dev/null)
LIBDIR ?= $(PREFIX)/lib$(if $(MULTIARCH),/$(MULTIARCH))
INCLUDEDIR ?= $(PREFIX)/include
SBINDIR ?= $(PREFIX)/sbin
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR ?= /etc
DOCDIR ?= $(PREFIX)/share/doc/atmqtt
COMPDIR ?= $(PREFIX)/share/bash-completion/completions
VERSION := $(shell cat VERSION)
INSTALL ?= install
# The headers' own directory: atmqtt.h there, and the UAPI header as
# linux/atmqtt.h below it (atmqtt.h includes <linux/atmqtt.h>), out of the
# distribution's kernel headers in INCLUDEDIR/linux/.  libatmqtt.pc's
# -I names it.
HDRDIR := $(INCLUDEDIR)/atmqtt

man:
	@sh scripts/man.sh build/man

build/libatmqtt.pc: lib/libatmqtt.pc.in VERSION FORCE
	@mkdir -p build
	sed -e 's|@PREFIX@|$(PREFIX)|' \
	    -e 's|@LIBDIR@|$(patsubst $(PREFIX)/%,$${exec_prefix}/%,$(LIBDIR))|' \
	    -e 's|@INCLUDEDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))|' \
	    -e 's|@VERSION@|$(VERSION)|' $< >$@

build/atmqtt-attach@.service: systemd/atmqtt-attach@.service FORCE
	@mkdir -p build
	sed -e 's|@SBINDIR@|$(SBINDIR)|' $< >$@

build/atmqtt-bridge@.service: systemd/atmqtt-bridge@.service FORCE
	@mkdir -p build
	sed -e 's|@SBINDIR@|$(SBINDIR)|' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|' \
	    $< >$@

install: install-lib install-dev install-tools install-bridge

install-lib: lib
	$(INSTALL) -d $(DESTDIR)$(LIBDIR)
	$(INSTALL) -m 755 lib/libatmqtt.so.$(VERSION) $(DESTDIR)$(LIBDIR)/
	ln -sf libatmqtt.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libatmqtt.so.1

install-dev: install-lib man build/libatmqtt.pc
	$(INSTALL) -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(HDRDIR)/linux \
		$(DESTDIR)$(MANDIR)/man3
	ln -sf libatmqtt.so.1 $(DESTDIR)$(LIBDIR)/libatmqtt.so
	$(INSTALL) -m 644 lib/libatmqtt.a $(DESTDIR)$(LIBDIR)/
	$(INSTALL) -m 644 build/libatmqtt.pc $(DESTDIR)$(LIBDIR)/pkgconfig/
	$(INSTALL) -m 644 lib/atmqtt.h $(DESTDIR)$(HDRDIR)/atmqtt.h
	$(INSTALL) -m 644 include/uapi/linux/atmqtt.h \
		$(DESTDIR)$(HDRDIR)/linux/atmqtt.h
	$(INSTALL) -m 644 build/man/libatmqtt.3 $(DESTDIR)$(MANDIR)/man3/

# atmqtt links libatmqtt.so.1 (install-lib's): the one installed is
# tools/atmqtt/atmqtt.install, linked without the tree's RUNPATH.
install-tools: tools man build/atmqtt-attach@.service
	$(MAKE) -C tools/atmqtt atmqtt.install
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(DOCDIR) $(DESTDIR)$(COMPDIR)
	$(INSTALL) -m 755 tools/atmqtt/atmqtt.install $(DESTDIR)$(SBINDIR)/atmqtt
	$(INSTALL) -m 644 build/man/atmqtt.8 $(DESTDIR)$(MANDIR)/man8/
	$(INSTALL) -m 644 build/atmqtt-attach@.service $(DESTDIR)$(UNITDIR)/
	$(INSTALL) -m 644 udev/78-atmqtt.rules $(DESTDIR)$(DOCDIR)/
	$(INSTALL) -m 644 completion/atmqtt.bash $(DESTDIR)$(COMPDIR)/atmqtt

install-bridge: tools man build/atmqtt-bridge@.service
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(DOCDIR)
	$(INSTALL) -m 755 tools/bridge/atmqtt-bridge $(DESTDIR)$(SBINDIR)/
	$(INSTALL) -m 644 build/man/atmqtt-bridge.8 $(DESTDIR)$(MANDIR)/man8/
	$(INSTALL) -m 644 build/atmqtt-bridge@.service $(DESTDIR)$(UNITDIR)/
	$(INSTALL) -m 644 tools/bridge/example.conf \
		$(DESTDIR)$(DOCDIR)/atmqtt-bridge.conf.example

install-sim: tools man
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	$(INSTALL) -m 755 tools/sim/atmqtt-sim $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 644 build/man/atmqtt-sim.1 $(DESTDIR)$(MANDIR)/man1/

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libatmqtt.so.$(VERSION) \
	      $(DESTDIR)$(LIBDIR)/libatmqtt.so.1 $(DESTDIR)$(LIBDIR)/libatmqtt.so \
	      $(DESTDIR)$(LIBDIR)/libatmqtt.a \
	      $(DESTDIR)$(LIBDIR)/pkgconfig/libatmqtt.pc \
	      $(DESTDIR)$(HDRDIR)/atmqtt.h $(DESTDIR)$(HDRDIR)/linux/atmqtt.h \
	      $(DESTDIR)$(SBINDIR)/atmqtt $(DESTDIR)$(BINDIR)/atmqtt-sim \
	      $(DESTDIR)$(SBINDIR)/atmqtt-bridge \
	      $(DESTDIR)$(MANDIR)/man8/atmqtt-bridge.8 \
	      $(DESTDIR)$(UNITDIR)/atmqtt-bridge@.service \
	      $(DESTDIR)$(DOCDIR)/atmqtt-bridge.conf.example \
	      $(DESTDIR)$(MANDIR)/man8/atmqtt.8 \
	      $(DESTDIR)$(MANDIR)/man1/atmqtt-sim.1 \
	      $(DESTDIR)$(MANDIR)/man3/libatmqtt.3 \
	      $(DESTDIR)$(UNITDIR)/atmqtt-attach@.service \
	      $(DESTDIR)$(DOCDIR)/78-atmqtt.rules \
	      $(DESTDIR)$(COMPDIR)/atmqtt
	-rmdir $(DESTDIR)$(HDRDIR)/linux $(DESTDIR)$(HDRDIR) \
	       $(DESTDIR)$(DOCDIR) 2>/dev/null

modules_install: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KVER)

FORCE:

.PHONY: man install install-lib install-dev install-tools install-bridge \
	install-sim uninstall modules_install FORCE
