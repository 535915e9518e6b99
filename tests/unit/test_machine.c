/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_machine.c - machine entries (machine.h): identities and targets
 * checked and normalised, an entry's rules, JSON there and back; a
 * machine's identity and its disks read from a fake sysfs tree
 * (machineid.h), and which entry is this machine's.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <errno.h>
#include <sys/stat.h>

#include "machine.h"
#include "machineid.h"

static char sys[64];

static int set_id(const char *spec, struct bos_machine *m)
{
	struct ivg_ctx ctx;

	ivg_ctx_init(&ctx);
	return bos_machine_set_id(&ctx, m, spec);
}

static void test_ids(void **state)
{
	struct bos_machine m = { 0 };

	(void)state;
	assert_int_equal(set_id("uuid=4C4C4544-0042-3510-8051-B4C04F4D3432", &m), 0);
	assert_int_equal(m.id_kind, BOS_ID_UUID);
	assert_string_equal(m.id, "4c4c4544-0042-3510-8051-b4c04f4d3432");
	assert_int_equal(set_id("uuid=4c4c454400423510 8051b4c04f4d3432", &m), -EINVAL);
	/* The 32 digits alone are the same UUID. */
	assert_int_equal(set_id("uuid=4c4c45440042351080516b4c04f4d343", &m), 0);
	assert_string_equal(m.id, "4c4c4544-0042-3510-8051-6b4c04f4d343");
	assert_int_equal(set_id("uuid=4c4c4544-0042-3510-8051-b4c04f4d343", &m), -EINVAL);
	assert_int_equal(set_id("uuid=4c4c4544-0042-3510-8051-b4c04f4d34321", &m), -EINVAL);
	assert_int_equal(set_id("uuid=zc4c4544-0042-3510-8051-b4c04f4d3432", &m), -EINVAL);

	assert_int_equal(set_id("mac=52-54-00-AB-CD-EF", &m), 0);
	assert_int_equal(m.id_kind, BOS_ID_MAC);
	assert_string_equal(m.id, "52:54:00:ab:cd:ef");
	assert_int_equal(set_id("mac=52:54:00:ab:cd", &m), -EINVAL);
	assert_int_equal(set_id("mac=52:54:00:ab:cd:eg", &m), -EINVAL);
	assert_int_equal(set_id("mac=52:54:00:ab:cd:ef:", &m), -EINVAL);
	assert_int_equal(set_id("mac=52.54.00.ab.cd.ef", &m), -EINVAL);
	assert_int_equal(set_id("mac= 2:54:00:ab:cd:ef", &m), -EINVAL);

	assert_int_equal(set_id("iqn=iqn.2020-01.com.Example:Host1", &m), 0);
	assert_int_equal(m.id_kind, BOS_ID_IQN);
	assert_string_equal(m.id, "iqn.2020-01.com.example:host1");
	assert_int_equal(set_id("iqn=eui.02004567a425678d", &m), 0);
	assert_int_equal(set_id("iqn=host1", &m), -EINVAL);
	assert_int_equal(set_id("iqn=iqn.2020-01.com.example:a b", &m), -EINVAL);
	assert_int_equal(set_id("serial=123", &m), -EINVAL);
	assert_int_equal(set_id("uuid", &m), -EINVAL);
}

static void test_targets(void **state)
{
	static const char *const good[] = {
		"wwn-0x600a098038303053453f463045727a6b", "serial-QM00001",
		"serial-WD-WMC4N0123456", "iscsi://10.0.0.1/iqn.2020-01.com.example:tgt/0",
		"iscsi://[fe80::1]:3260/iqn.2020-01.com.example:tgt/12", "scsi:0:1",
		"/dev/sda", "/dev/disk/by-id/wwn-0x5000c5",
	};
	static const char *const bad[] = {
		"sda", "wwn-0x", "wwn-0xabcz", "serial-", "serial-a b", "iscsi://h/iqn/",
		"iscsi://h//1", "iscsi:///iqn.x/1", "iscsi://h/iqn.x/1a", "scsi:0",
		"scsi:0:1x", "/dev/../etc/passwd", "/dev/", "",
	};
	struct ivg_ctx ctx;

	(void)state;
	ivg_ctx_init(&ctx);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (bos_machine_check_target(&ctx, good[i]))
			fail_msg("refused %s: %s", good[i], ivg_errmsg(&ctx));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!bos_machine_check_target(&ctx, bad[i]))
			fail_msg("accepted %s", bad[i]);
}

static void entry(struct bos_machine *m)
{
	struct ivg_ctx ctx;

	ivg_ctx_init(&ctx);
	*m = (struct bos_machine){ .added = 1765000000 };
	snprintf(m->name, sizeof(m->name), "web1");
	assert_int_equal(bos_machine_set_id(&ctx, m, "uuid=4c4c4544-0042-3510-8051-b4c04f4d3432"), 0);
	assert_int_equal(bos_machine_set_action(&ctx, m, "install"), 0);
	assert_int_equal(bos_machine_set_then(&ctx, m, "reboot"), 0);
	snprintf(m->bos, sizeof(m->bos), "bookworm");
	snprintf(m->opps[m->n_opps++], sizeof(m->opps[0]), "mytool");
	snprintf(m->opps[m->n_opps++], sizeof(m->opps[0]), "libopp=1.0-2");
	snprintf(m->targets[m->n_targets++], sizeof(m->targets[0]), "wwn-0x600a0980");
	snprintf(m->targets[m->n_targets++], sizeof(m->targets[0]), "iscsi://10.0.0.1/iqn.2020-01.x:t/1");
}

static void test_rules(void **state)
{
	struct bos_machine m;
	struct ivg_ctx ctx;

	(void)state;
	ivg_ctx_init(&ctx);
	entry(&m);
	assert_int_equal(bos_machine_check(&ctx, &m), 0);
	m.bos[0] = '\0';
	assert_int_equal(bos_machine_check(&ctx, &m), -EINVAL);
	assert_non_null(strstr(ivg_errmsg(&ctx), "an install needs --bos NAME"));
	entry(&m);
	m.n_targets = 0;
	assert_int_equal(bos_machine_check(&ctx, &m), -EINVAL);
	assert_non_null(strstr(ivg_errmsg(&ctx), "an install needs --target"));
	entry(&m);
	m.action = BOS_ACT_RECOVER;
	assert_int_equal(bos_machine_check(&ctx, &m), -EINVAL);
	assert_non_null(strstr(ivg_errmsg(&ctx), "--bos and --opp go with --action install"));
	m.bos[0] = '\0';
	m.n_opps = 0;
	assert_int_equal(bos_machine_check(&ctx, &m), 0);
	entry(&m);
	snprintf(m.opps[0], sizeof(m.opps[0]), "a=1=2");
	assert_int_equal(bos_machine_check(&ctx, &m), -EINVAL);
	entry(&m);
	snprintf(m.name, sizeof(m.name), "../x");
	assert_int_equal(bos_machine_check(&ctx, &m), -EINVAL);
	assert_non_null(strstr(ivg_errmsg(&ctx), "machine name \"../x\" is not valid"));
	assert_int_equal(bos_machine_set_action(&ctx, &m, "dance"), -EINVAL);
	assert_int_equal(bos_machine_set_then(&ctx, &m, "halt"), -EINVAL);
}

static void test_json(void **state)
{
	struct bos_machine m, back;
	struct ivg_ctx ctx;
	char *text = NULL;
	size_t len = 0;
	static const char bad_target[] =
		"{ \"name\": \"x\", \"id\": \"mac=52:54:00:00:00:01\", \"action\": \"recover\","
		" \"targets\": [ \"../../sda\" ] }";
	static const char no_id[] = "{ \"name\": \"x\", \"action\": \"maintenance\" }";
	static const char minimal[] =
		"{ \"name\": \"x\", \"id\": \"mac=52:54:00:00:00:01\", \"action\": \"maintenance\" }";

	(void)state;
	ivg_ctx_init(&ctx);
	entry(&m);
	assert_int_equal(bos_machine_format(&ctx, &m, &text, &len), 0);
	assert_int_equal(strlen(text), len);
	assert_int_equal(text[len - 1], '\n');
	assert_int_equal(bos_machine_parse(&ctx, "web1.json", text, len, &back), 0);
	assert_memory_equal(&m, &back, sizeof(m));
	free(text);

	assert_int_equal(bos_machine_parse(&ctx, "x.json", bad_target, strlen(bad_target), &back), -EINVAL);
	assert_non_null(strstr(ivg_errmsg(&ctx), "x.json: machine x: target \"../../sda\""));
	assert_int_equal(bos_machine_parse(&ctx, "x.json", no_id, strlen(no_id), &back), -EINVAL);
	assert_int_equal(bos_machine_parse(&ctx, "x.json", "[1]", 3, &back), -EINVAL);
	assert_int_equal(bos_machine_parse(&ctx, "x.json", "{", 1, &back), -EINVAL);
	assert_int_equal(bos_machine_parse(&ctx, "x.json", minimal, strlen(minimal), &back), 0);
	assert_int_equal(back.action, BOS_ACT_MAINTENANCE);
	assert_int_equal(back.then, BOS_THEN_NONE);
}

/* ---- a fake sysfs ---------------------------------------------------- */

static void put(const char *rel, const char *text)
{
	char path[256], cmd[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", sys, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void link_to(const char *rel, const char *target)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", sys, rel);
	assert_int_equal(symlink(target, path), 0);
}

static int setup(void **state)
{
	(void)state;
	strcpy(sys, "/tmp/ivg-sysfs-XXXXXX");
	return mkdtemp(sys) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", sys);
	return system(cmd);
}

static void test_identity(void **state)
{
	struct bos_identity me;
	struct bos_machine m = { 0 };
	struct ivg_ctx ctx;
	char text[512];

	(void)state;
	ivg_ctx_init(&ctx);
	assert_int_equal(bos_identity_read(&ctx, sys, &me), -ENOENT);
	assert_non_null(strstr(ivg_errmsg(&ctx), "cannot tell who it is"));

	put("class/dmi/id/product_uuid", "4C4C4544-0042-3510-8051-B4C04F4D3432\n");
	put("class/net/lo/address", "00:00:00:00:00:00\n");
	put("class/net/eth0/address", "52:54:00:12:34:56\n");
	put("class/net/eth1/address", "52:54:00:AB:CD:EF\n");
	put("class/net/dummy0/address", "00:00:00:00:00:00\n");
	put("firmware/ibft/initiator/initiator-name", "iqn.2020-01.com.example:Host1\n");
	assert_int_equal(bos_identity_read(&ctx, sys, &me), 0);
	assert_string_equal(me.uuid, "4c4c4544-0042-3510-8051-b4c04f4d3432");
	assert_int_equal(me.n_macs, 2);
	assert_string_equal(me.iqn, "iqn.2020-01.com.example:host1");
	bos_identity_describe(&me, text, sizeof(text));
	assert_non_null(strstr(text, "uuid=4c4c4544-0042-3510-8051-b4c04f4d3432"));
	assert_non_null(strstr(text, "mac=52:54:00:ab:cd:ef"));

	/* Each kind of entry finds this machine, as the user typed it. */
	assert_int_equal(set_id("uuid=4c4c4544004235108051B4C04F4D3432", &m), 0);
	assert_true(bos_machine_matches(&m, &me));
	assert_int_equal(set_id("mac=52-54-00-ab-cd-ef", &m), 0);
	assert_true(bos_machine_matches(&m, &me));
	assert_int_equal(set_id("iqn=IQN.2020-01.com.example:host1", &m), 0);
	assert_true(bos_machine_matches(&m, &me));
	/* ... and another machine's does not. */
	assert_int_equal(set_id("uuid=4c4c4544-0042-3510-8051-b4c04f4d3433", &m), 0);
	assert_false(bos_machine_matches(&m, &me));
	assert_int_equal(set_id("mac=52:54:00:12:34:57", &m), 0);
	assert_false(bos_machine_matches(&m, &me));
	assert_int_equal(set_id("mac=00:00:00:00:00:00", &m), 0);
	assert_false(bos_machine_matches(&m, &me));
	assert_int_equal(set_id("iqn=iqn.2020-01.com.example:host2", &m), 0);
	assert_false(bos_machine_matches(&m, &me));
	/* Without an iBFT an iqn entry matches nothing. */
	me.iqn[0] = '\0';
	assert_int_equal(set_id("iqn=iqn.2020-01.com.example:host1", &m), 0);
	assert_false(bos_machine_matches(&m, &me));
}

static void test_resolve(void **state)
{
	static const unsigned char pg80[] = { 0, 0x80, 0, 10, ' ', 'S', 'N', '-', 'S', 'C', 'S', 'I', ' ', ' ' };
	char dev[64], path[256];
	struct ivg_ctx ctx;
	FILE *f;

	(void)state;
	ivg_ctx_init(&ctx);
	put("class/block/vda/serial", "QM00001\n");
	put("class/block/nvme0n1/device/serial", "  S4EWNX0N123456     \n");
	put("class/block/sdb/device/wwid", "naa.600A098038303053453F463045727A6B\n");
	put("class/block/sdc/device/model", "x\n");
	snprintf(path, sizeof(path), "%s/class/block/sdc/device/vpd_pg80", sys);
	assert_non_null(f = fopen(path, "w"));
	fwrite(pg80, 1, sizeof(pg80), f);
	fclose(f);
	/* A SCSI LUN at target 1, LUN 1, linked as sysfs links it. */
	put("devices/platform/host0/target0:0:1/0:0:1:1/block/sde/dev", "8:64\n");
	put("class/scsi_device/0:0:1:1/.keep", "");
	link_to("class/scsi_device/0:0:1:1/device", "../../../devices/platform/host0/target0:0:1/0:0:1:1");

	assert_int_equal(bos_target_resolve(&ctx, sys, "serial-QM00001", dev, sizeof(dev)), 0);
	assert_string_equal(dev, "/dev/vda");
	assert_int_equal(bos_target_resolve(&ctx, sys, "serial-S4EWNX0N123456", dev, sizeof(dev)), 0);
	assert_string_equal(dev, "/dev/nvme0n1");
	assert_int_equal(bos_target_resolve(&ctx, sys, "serial-SN-SCSI", dev, sizeof(dev)), 0);
	assert_string_equal(dev, "/dev/sdc");
	/* WWNs and iSCSI addresses are sanfind.h's (test_sanaddr): here,
	 * that they reach it. */
	assert_int_equal(bos_target_resolve(&ctx, sys, "wwn-0x600a098038303053453f463045727a6b", dev, sizeof(dev)), 0);
	assert_string_equal(dev, "/dev/sdb");
	assert_int_equal(bos_target_resolve(&ctx, sys, "scsi:1:1", dev, sizeof(dev)), 0);
	assert_string_equal(dev, "/dev/sde");
	assert_int_equal(bos_target_resolve(&ctx, sys, "/dev/sdz", dev, sizeof(dev)), 0);
	assert_string_equal(dev, "/dev/sdz");

	/* What no disk shows: named, -ENOENT. */
	assert_int_equal(bos_target_resolve(&ctx, sys, "serial-QM00002", dev, sizeof(dev)), -ENOENT);
	assert_non_null(strstr(ivg_errmsg(&ctx), "target serial-QM00002: no disk of this machine shows it"));
	assert_int_equal(bos_target_resolve(&ctx, sys, "wwn-0x600a098038303053453f463045727a6c", dev, sizeof(dev)), -ENOENT);
	assert_non_null(strstr(ivg_errmsg(&ctx), "wwn-0x600a098038303053453f463045727a6c: no disk with that WWN"));
	assert_int_equal(bos_target_resolve(&ctx, sys, "iscsi://10.0.0.1/iqn.2020-01.com.example:tgt/4", dev, sizeof(dev)), -ENOENT);
	assert_int_equal(bos_target_resolve(&ctx, sys, "scsi:1:2", dev, sizeof(dev)), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_json),
		cmocka_unit_test_setup_teardown(test_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolve, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
