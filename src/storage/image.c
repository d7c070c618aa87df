/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <blkid.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "blkid-dlopen.h"
#include "image.h"
#include "image-policy.h"
#include "log.h"
#include "loop.h"
#include "tree.h"

/* The Discoverable Partitions Specification's type UUIDs of root and /usr per architecture (uname -m
 * names), and the ones that do not depend on it. */
static const struct {
        const char *machine;
        const char *root;
        const char *usr;
} dps_arch_table[] = {
        { "x86_64", "4f68bce3-e8cd-4db1-96e7-fbcaf984b709", "8484680c-9521-48c6-9c11-b0720656f69e" },
        { "aarch64", "b921b045-1df0-41c3-af44-4c6f280d3fae", "b0e01050-ee5f-4390-949a-9101b17104e9" },
        { "i686", "44479540-f297-41b2-9af7-d131d5f0458a", "75250d76-8cc6-458e-bd66-bd47cc81a812" },
        { "i586", "44479540-f297-41b2-9af7-d131d5f0458a", "75250d76-8cc6-458e-bd66-bd47cc81a812" },
        { "armv7l", "69dad710-2ce4-4e3c-b16c-21a1d49abed3", "7d0359a3-02b3-4f0a-865c-654403e70625" },
        { "ia64", "993d8d3d-f80e-4225-855a-9daf8ed7ea97", "4301d2a6-4e3b-4b2a-bb94-9e0b2c4225ea" },
        { "loongarch64", "77055800-792c-4f94-b39a-98c91b762bb6", "e611c702-575c-4cbe-9a46-434fa0bf7e3f" },
        { "riscv32", "60d5a7fe-8e7d-435c-b714-3dd8162144e1", "b933fb22-5c3f-4f91-af90-e2bb0fa50702" },
        { "riscv64", "72ec70a6-cf74-40e6-bd49-4bda08e8f224", "beaec34b-8442-439b-a40b-984381ed097d" },
};

#define DPS_HOME "933ac7e1-2eb4-4f13-b844-0e14e2aef915"
#define DPS_SRV "3b8f8425-20e0-4f3b-907f-1a25a76f98e8"
#define DPS_VAR "4d21b016-b534-45c2-a9fb-5c16e091fd2d"
#define DPS_TMP "7ec6f557-3bc5-4aca-b293-16ef5df639d1"
#define GPT_LINUX_GENERIC "0fc63daf-8483-4772-8e79-3d69d8477de4"
#define MBR_LINUX "0x83"
#define GPT_FLAG_READ_ONLY (1ULL << 60)
#define GPT_FLAG_NO_AUTO (1ULL << 63)

/* File systems nsboot mounts from images; and those that cannot be written. */
static const char *const image_fs_types[] = { "ext2", "ext3", "ext4", "xfs", "btrfs", "f2fs", "squashfs", "erofs" };

typedef struct ImagePartition {
        int partno;             /* 0 for a bare file system */
        uint64_t offset, size;  /* bytes */
        bool read_only;
        bool present;
} ImagePartition;

typedef struct Image {
        const char *path;
        int fd;
        uint64_t file_size;
        bool read_only;
        ImagePartition parts[_PARTITION_DESIGNATOR_MAX];
} Image;

static PartitionDesignator designator_of_type(const char *type) {
        struct utsname u;

        if (uname(&u) >= 0)
                for (size_t i = 0; i < ELEMENTSOF(dps_arch_table); i++)
                        if (streq(u.machine, dps_arch_table[i].machine)) {
                                if (streq(type, dps_arch_table[i].root))
                                        return PARTITION_ROOT;
                                if (streq(type, dps_arch_table[i].usr))
                                        return PARTITION_USR;
                        }
        if (streq(type, DPS_HOME))
                return PARTITION_HOME;
        if (streq(type, DPS_SRV))
                return PARTITION_SRV;
        if (streq(type, DPS_VAR))
                return PARTITION_VAR;
        if (streq(type, DPS_TMP))
                return PARTITION_TMP;
        return _PARTITION_DESIGNATOR_INVALID;
}

static bool is_linux_data_type(const char *type) {
        return streq(type, GPT_LINUX_GENERIC) || streq(type, MBR_LINUX);
}

/* Records partition p as designator d, the first one of each kind winning as the spec says. */
static int image_add_partition(Image *img, PartitionDesignator d, blkid_partition p) {
        uint64_t offset = (uint64_t) sym_blkid_partition_get_start(p) * 512, size = (uint64_t) sym_blkid_partition_get_size(p) * 512;
        int partno = sym_blkid_partition_get_partno(p);

        if (img->parts[d].present)
                return 0;
        if (offset + size > img->file_size)
                return log_error_errno(SYNTHETIC_ERRNO(EBADMSG),
                                       "'%s': partition %d ends at byte %" PRIu64 ", beyond the end of the file "
                                       "(%" PRIu64 " bytes): the image is truncated",
                                       img->path, partno, offset + size, img->file_size);
        img->parts[d] = (ImagePartition) {
                .partno = partno,
                .offset = offset,
                .size = size,
                .read_only = sym_blkid_partition_get_flags(p) & GPT_FLAG_READ_ONLY,
                .present = true,
        };
        return 0;
}

/* Picks root, /usr, ... from a partition table; a lone Linux partition is the root. */
static int image_scan_partitions(Image *img, blkid_probe pr) {
        blkid_partlist ls = sym_blkid_probe_get_partitions(pr);
        blkid_partition lone = NULL;
        int n, n_linux = 0;

        n = ls ? sym_blkid_partlist_numof_partitions(ls) : -1;
        /* libblkid drops partitions that end beyond the end of the file. */
        if (n <= 0)
                return log_error_errno(SYNTHETIC_ERRNO(EBADMSG),
                                       "'%s': no partition in the partition table lies within the file: the image "
                                       "is truncated or has no partitions", img->path);
        for (int i = 0; i < n; i++) {
                blkid_partition p = sym_blkid_partlist_get_partition(ls, i);
                const char *type = sym_blkid_partition_get_type_string(p);
                char mbr[8];
                PartitionDesignator d;
                int r;

                if (!type) {
                        snprintf(mbr, sizeof mbr, "0x%x", (unsigned) sym_blkid_partition_get_type(p));
                        type = mbr;
                }
                if (sym_blkid_partition_get_flags(p) & GPT_FLAG_NO_AUTO)
                        continue;
                if (is_linux_data_type(type)) {
                        lone = n_linux++ == 0 ? p : NULL;
                        continue;
                }
                d = designator_of_type(type);
                if (d < 0)
                        continue;
                r = image_add_partition(img, d, p);
                if (r < 0)
                        return r;
        }
        if (!img->parts[PARTITION_ROOT].present && lone && n == 1)
                return image_add_partition(img, PARTITION_ROOT, lone);
        return 0;
}

static int image_probe(Image *img) {
        blkid_probe pr = sym_blkid_new_probe();
        const char *v = NULL;
        int r;

        if (!pr)
                return log_oom();
        if (sym_blkid_probe_set_device(pr, img->fd, 0, 0) < 0) {
                sym_blkid_free_probe(pr);
                return log_error_errno(SYNTHETIC_ERRNO(EIO), "'%s': cannot probe the image", img->path);
        }
        sym_blkid_probe_enable_superblocks(pr, 1);
        sym_blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE);
        sym_blkid_probe_enable_partitions(pr, 1);
        sym_blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
        r = sym_blkid_do_safeprobe(pr);
        if (r == -2)
                r = log_error_errno(SYNTHETIC_ERRNO(EBADMSG),
                                    "'%s': more than one file system or partition table signature", img->path);
        else if (r != 0)
                r = log_error_errno(SYNTHETIC_ERRNO(EBADMSG),
                                    "'%s': neither a partition table nor a file system found: not a disk image",
                                    img->path);
        else if (sym_blkid_probe_lookup_value(pr, "PTTYPE", &v, NULL) == 0)
                r = image_scan_partitions(img, pr);
        else
                img->parts[PARTITION_ROOT] = (ImagePartition) { .size = img->file_size, .present = true };
        sym_blkid_free_probe(pr);
        return r;
}

/* The file system type at part, checked against what nsboot mounts and the kernel knows. */
static int image_fs_type(const Image *img, const ImagePartition *part, char **ret) {
        blkid_probe pr = sym_blkid_new_probe();
        const char *type = NULL;
        int r = -EBADMSG;

        if (!pr)
                return log_oom();
        if (sym_blkid_probe_set_device(pr, img->fd, (blkid_loff_t) part->offset, (blkid_loff_t) part->size) == 0) {
                sym_blkid_probe_enable_superblocks(pr, 1);
                sym_blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE);
                if (sym_blkid_do_safeprobe(pr) == 0 && sym_blkid_probe_lookup_value(pr, "TYPE", &type, NULL) == 0)
                        r = 0;
        }
        if (r == 0) {
                r = -EPROTONOSUPPORT;
                for (size_t i = 0; i < ELEMENTSOF(image_fs_types); i++)
                        if (streq(type, image_fs_types[i]))
                                r = detached_fs_known(type) ? 0 : -ENODEV;
        }
        if (r == 0)
                *ret = strdup(type);
        sym_blkid_free_probe(pr);
        if (r == 0)
                return *ret ? 0 : log_oom();
        if (r == -EBADMSG)
                return log_error_errno(r, "'%s': partition %d: no file system found", img->path, part->partno);
        return log_error_errno(r, "'%s': partition %d: file system %s is %s", img->path, part->partno, type,
                               r == -ENODEV ? "not available in this kernel (see /proc/filesystems)"
                                            : "not one nsboot mounts (ext2/3/4, xfs, btrfs, f2fs, squashfs, erofs)");
}

static int image_mount_partition(const Image *img, PartitionDesignator d, int *ret) {
        const ImagePartition *part = &img->parts[d];
        _cleanup_free_ char *fstype = NULL, *dev = NULL, *what = NULL;
        _cleanup_close_ int loop = -EBADF;
        bool ro = img->read_only || part->read_only;
        int r;

        r = image_fs_type(img, part, &fstype);
        if (r < 0)
                return r;
        ro = ro || streq(fstype, "squashfs") || streq(fstype, "erofs");
        if ((part->partno > 0 ? asprintf(&what, "'%s' partition %d (%s)", img->path, part->partno,
                                          partition_designator_mount_point(d))
                              : asprintf(&what, "'%s'", img->path)) < 0)
                return log_oom();
        r = loop_attach(img->fd, part->offset, part->partno > 0 ? part->size : 0, ro, &loop, &dev);
        if (r < 0)
                return log_error_errno(r, "%s: cannot attach a loop device: %m", what);
        /* The mount keeps the loop device open; ours closes on return and autoclear does the rest. */
        return detached_fs_open(fstype, dev, NULL, ro, what, ret);
}

/* Applies the policy to what the image has; the root must be there whatever the policy says. */
static int image_apply_policy(Image *img, const ImagePolicy *policy) {
        for (PartitionDesignator d = 0; d < _PARTITION_DESIGNATOR_MAX; d++) {
                const char *name = partition_designator_to_string(d);
                int f = policy->flags[d];

                if (!img->parts[d].present) {
                        if (!(f & PARTITION_POLICY_ABSENT) || d == PARTITION_ROOT)
                                return log_error_errno(SYNTHETIC_ERRNO(ENXIO),
                                                       d == PARTITION_ROOT
                                                               ? "'%s': no %s partition: neither one of this architecture's "
                                                                 "root partition type nor a single Linux partition"
                                                               : "'%s': no %s partition, which --image-policy= requires",
                                                       img->path, name);
                        continue;
                }
                if (f & PARTITION_POLICY_USE)
                        continue;
                if (f & PARTITION_POLICY_UNUSED && d != PARTITION_ROOT) {
                        img->parts[d].present = false;
                        continue;
                }
                return log_error_errno(SYNTHETIC_ERRNO(EPERM),
                                       f & PARTITION_POLICY_PROTECTED
                                               ? "'%s': --image-policy= accepts the %s partition only with verity, a "
                                                 "signature or encryption, which nsboot does not support"
                                               : "'%s': --image-policy= does not allow using the %s partition",
                                       img->path, name);
        }
        return 0;
}

static int image_open_file(Image *img) {
        struct stat st;

        img->fd = open(img->path, (img->read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
        if (img->fd < 0 && !img->read_only && IN_SET(errno, EROFS, EACCES, EPERM)) {
                log_debug("'%s' is not writable, using it read-only", img->path);
                img->read_only = true;
                img->fd = open(img->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
        }
        if (img->fd < 0 && errno == EISDIR)
                return log_error_errno(errno, "-i/--image=%s: not a regular file or block device", img->path);
        if (img->fd < 0)
                return log_error_errno(errno, "-i/--image=%s: %m", img->path);
        if (fstat(img->fd, &st) < 0)
                return log_error_errno(errno, "-i/--image=%s: %m", img->path);
        if (S_ISREG(st.st_mode))
                img->file_size = (uint64_t) st.st_size;
        else if (!S_ISBLK(st.st_mode) || ioctl(img->fd, BLKGETSIZE64, &img->file_size) < 0)
                return log_error_errno(SYNTHETIC_ERRNO(EBADFD), "-i/--image=%s: not a regular file or block device",
                                       img->path);
        if (img->file_size == 0)
                return log_error_errno(SYNTHETIC_ERRNO(EBADMSG), "-i/--image=%s: the image is empty", img->path);
        return 0;
}

/* Creates the mount points of the partitions below the root, before anything is idmapped. */
static int image_mount_points(const Image *img, DetachedMounts *l) {
        for (size_t i = 1; i < l->n; i++) {
                int r = tree_mkdir_p(l->items[0].fd, l->items[i].target, 0755);

                if (r < 0)
                        return log_error_errno(r, "'%s': cannot create the mount point %s in the image's root: %m",
                                               img->path, l->items[i].target);
        }
        return 0;
}

int image_open(const char *path, bool read_only, const char *policy_string, DetachedMounts *ret) {
        _cleanup_(detached_mounts_done) DetachedMounts l = {};
        Image img = { .path = path, .fd = -EBADF, .read_only = read_only };
        ImagePolicy policy;
        int r;

        r = image_policy_from_string(policy_string, &policy);
        if (r < 0)
                return log_error_errno(r, "--image-policy=%s: invalid policy", policy_string);
        r = dlopen_libblkid();
        if (r < 0)
                return r;
        r = image_open_file(&img);
        if (r >= 0)
                r = image_probe(&img);
        if (r >= 0)
                r = image_apply_policy(&img, &policy);
        for (PartitionDesignator d = 0; r >= 0 && d < _PARTITION_DESIGNATOR_MAX; d++) {
                int fd;

                if (!img.parts[d].present)
                        continue;
                r = image_mount_partition(&img, d, &fd);
                if (r >= 0 && detached_mounts_add(&l, partition_designator_mount_point(d), fd) < 0)
                        r = log_oom();
        }
        safe_close(img.fd);
        if (r >= 0)
                r = image_mount_points(&img, &l);
        if (r < 0)
                return r;
        *ret = l;
        l = (DetachedMounts) {};
        return 0;
}
