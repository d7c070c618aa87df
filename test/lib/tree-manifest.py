#!/usr/bin/python3
# tree-manifest.py DIR [EXCLUDE...]: one line per file below DIR (DIR itself and the top-level
# names EXCLUDE left out): path, type, mode, owner, group, size, mtime in seconds, device number,
# link target, hard-link group, a hash of the contents, and every extended attribute. Two trees
# with the same manifest have the same files as far as a copy can keep them.
import hashlib
import os
import stat
import sys

root = sys.argv[1]
exclude = set(sys.argv[2:])
inodes = {}
lines = []
for dirpath, dirnames, filenames in os.walk(root):
    rel_dir = os.path.relpath(dirpath, root)
    if rel_dir == '.':
        dirnames[:] = [d for d in dirnames if d not in exclude]
        filenames = [f for f in filenames if f not in exclude]
    for name in sorted(dirnames + filenames):
        path = os.path.join(dirpath, name)
        rel = os.path.normpath(os.path.join(rel_dir, name))
        st = os.lstat(path)
        link = os.readlink(path) if stat.S_ISLNK(st.st_mode) else ''
        digest = ''
        if stat.S_ISREG(st.st_mode):
            with open(path, 'rb') as f:
                digest = hashlib.sha256(f.read()).hexdigest()[:16]
        group = ''
        if st.st_nlink > 1 and not stat.S_ISDIR(st.st_mode):
            group = inodes.setdefault((st.st_dev, st.st_ino), rel)
        xattrs = sorted('%s=%s' % (k, os.getxattr(path, k, follow_symlinks=False).hex())
                        for k in os.listxattr(path, follow_symlinks=False))
        lines.append(' '.join(map(str, [rel, oct(st.st_mode), st.st_uid, st.st_gid,
                                         st.st_size if not stat.S_ISDIR(st.st_mode) else '-',
                                         int(st.st_mtime), st.st_rdev, link, group, digest] + xattrs)))
print('\n'.join(sorted(lines)))
