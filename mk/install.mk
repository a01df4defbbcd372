# Installation (included by the top Makefile).
#   make install [PREFIX=/usr/local] [DESTDIR=]   userspace, headers, man
#                                                 pages, pkg-config, systemd
#                                                 units, udev example, the
#                                                 bridge's example
#                                                 configuration, completion
#   make uninstall                                the same files, removed
#   make modules_install [KVER=] [INSTALL_MOD_PATH=]  the module, then depmod
#   make man                                      build/man/*.[138]
PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
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

man:
	@sh scripts/man.sh build/man

build/libatmqtt.pc: lib/libatmqtt.pc.in VERSION FORCE
	@mkdir -p build
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    $< >$@

build/atmqtt-attach@.service: systemd/atmqtt-attach@.service FORCE
	@mkdir -p build
	sed -e 's|@SBINDIR@|$(SBINDIR)|' $< >$@

build/atmqtt-bridge@.service: systemd/atmqtt-bridge@.service FORCE
	@mkdir -p build
	sed -e 's|@SBINDIR@|$(SBINDIR)|' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|' \
	    $< >$@

install: lib tools man build/libatmqtt.pc build/atmqtt-attach@.service \
	 build/atmqtt-bridge@.service
	$(INSTALL) -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/linux \
		$(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3 \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(DOCDIR) $(DESTDIR)$(COMPDIR)
	$(INSTALL) -m 755 lib/libatmqtt.so.$(VERSION) $(DESTDIR)$(LIBDIR)/
	ln -sf libatmqtt.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libatmqtt.so.0
	ln -sf libatmqtt.so.0 $(DESTDIR)$(LIBDIR)/libatmqtt.so
	$(INSTALL) -m 644 lib/libatmqtt.a $(DESTDIR)$(LIBDIR)/
	$(INSTALL) -m 644 build/libatmqtt.pc $(DESTDIR)$(LIBDIR)/pkgconfig/
	$(INSTALL) -m 644 lib/atmqtt.h $(DESTDIR)$(INCLUDEDIR)/atmqtt.h
	$(INSTALL) -m 644 include/uapi/linux/atmqtt.h \
		$(DESTDIR)$(INCLUDEDIR)/linux/atmqtt.h
	$(INSTALL) -m 755 tools/atmqtt/atmqtt $(DESTDIR)$(SBINDIR)/
	$(INSTALL) -m 755 tools/sim/atmqtt-sim $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 755 tools/bridge/atmqtt-bridge $(DESTDIR)$(SBINDIR)/
	$(INSTALL) -m 644 build/man/atmqtt.8 $(DESTDIR)$(MANDIR)/man8/
	$(INSTALL) -m 644 build/man/atmqtt-sim.1 $(DESTDIR)$(MANDIR)/man1/
	$(INSTALL) -m 644 build/man/libatmqtt.3 $(DESTDIR)$(MANDIR)/man3/
	$(INSTALL) -m 644 build/man/atmqtt-bridge.8 $(DESTDIR)$(MANDIR)/man8/
	$(INSTALL) -m 644 build/atmqtt-attach@.service $(DESTDIR)$(UNITDIR)/
	$(INSTALL) -m 644 build/atmqtt-bridge@.service $(DESTDIR)$(UNITDIR)/
	$(INSTALL) -m 644 udev/78-atmqtt.rules $(DESTDIR)$(DOCDIR)/
	$(INSTALL) -m 644 tools/bridge/example.conf \
		$(DESTDIR)$(DOCDIR)/atmqtt-bridge.conf.example
	$(INSTALL) -m 644 completion/atmqtt.bash $(DESTDIR)$(COMPDIR)/atmqtt

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libatmqtt.so.$(VERSION) \
	      $(DESTDIR)$(LIBDIR)/libatmqtt.so.0 $(DESTDIR)$(LIBDIR)/libatmqtt.so \
	      $(DESTDIR)$(LIBDIR)/libatmqtt.a \
	      $(DESTDIR)$(LIBDIR)/pkgconfig/libatmqtt.pc \
	      $(DESTDIR)$(INCLUDEDIR)/atmqtt.h \
	      $(DESTDIR)$(INCLUDEDIR)/linux/atmqtt.h \
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
	-rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null

modules_install: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KVER)

FORCE:

.PHONY: man install uninstall modules_install FORCE
