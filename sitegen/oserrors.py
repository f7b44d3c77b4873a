"""Why a file operation failed, in Chinese: the system's own text (strerror) is English."""

from __future__ import annotations

import errno

_REASONS = {
    errno.ENOENT: "文件夹不存在",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EISDIR: "那是一个文件夹",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EROFS: "磁盘是只读的",
    errno.ENOSPC: "磁盘已满",
    errno.EDQUOT: "磁盘配额已满",
    errno.EEXIST: "已经存在",
    errno.ENAMETOOLONG: "名字太长",
    errno.EXDEV: "不在同一个磁盘上",
}


def reason(exc: OSError) -> str:
    """A short Chinese reason, with the error's symbolic name when it has no translation."""
    return _REASONS.get(exc.errno) or f"系统错误 {errno.errorcode.get(exc.errno, type(exc).__name__)}"
