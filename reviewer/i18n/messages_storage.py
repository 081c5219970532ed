"""Messages of storage faults: a full disk or a read-only database or output folder, and a
database connection that dropped, each said plainly with what to do next."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "store.disk_full": (
        "评审数据库所在磁盘已满（{path}），本次操作未写入，此前的记录完好。请腾出空间后重试",
        "The disk holding the session database is full ({path}): this action was not written "
        "and everything recorded before is intact. Free some space and try again"),
    "store.read_only_server": (
        "评审数据库服务器只读，无法写入（{path}），本次操作未写入，此前的记录完好。"
        "请数据库管理员确认连接的是主服务器并解除只读设置后重试",
        "The session database server is read-only ({path}): this action was not written and "
        "everything recorded before is intact. Ask the database administrator to check that "
        "this is the primary server and to lift the read-only setting, then try again"),
    "store.read_only": (
        "评审数据库只读，无法写入（{path}），本次操作未写入，此前的记录完好。"
        "请检查文件与目录的写权限或挂载方式后重试",
        "The session database is read-only ({path}): this action was not written and "
        "everything recorded before is intact. Check the write permission of the file and its "
        "folder, or how the disk is mounted, and try again"),
    "store.connection_lost": (
        "与评审数据库 {url} 的连接已断开，本次操作未写入，此前的记录完好。"
        "请确认数据库服务器已恢复后重试",
        "The connection to the session database {url} dropped: this action was not written and "
        "everything recorded before is intact. Try again once the database server is back"),
    "pdf.file.disk_full": (
        "磁盘已满，无法写入 {path}；未留下不完整的文件。请腾出空间后重新导出",
        "The disk is full: {path} could not be written and no partial file was left. Free "
        "some space and export again"),
    "pdf.file.read_only": (
        "无法写入 {path}：目录只读或没有写权限；未留下任何文件",
        "Cannot write {path}: the folder is read-only or not writable; no file was left"),
    "pdf.verify.problem.signature_removed": (
        "文件签署后又被改动：后来追加的修订删除了 {count} 个电子签名。",
        "The file was changed after signing: a later revision removed {count} signature(s)."),
}
