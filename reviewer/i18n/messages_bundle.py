"""Messages of the bundle layer: key -> (zh_CN, en)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "bundle.not_a_bundle": (
        "{path} 不是评审通加密案卷（.rvb）文件",
        "{path} is not a reviewer case bundle (.rvb)"),
    "bundle.future_version": (
        "{path} 是更新版本的案卷格式（第 {version} 版），本程序只能打开第 {supported} 版，请升级评审通",
        "{path} uses a newer bundle format (version {version}); this program opens version {supported} only: please upgrade"),
    "bundle.wrong_passphrase": (
        "口令不正确，无法打开案卷 {path}",
        "Wrong passphrase for the bundle {path}"),
    "bundle.corrupted_header": (
        "案卷 {path} 的文件头已损坏或被改动，拒绝打开",
        "The header of the bundle {path} is damaged or was altered; refusing to open it"),
    "bundle.corrupted_content": (
        "案卷 {path} 已损坏或被篡改（第 {chunk}/{chunks} 数据块校验失败），拒绝打开",
        "The bundle {path} is damaged or was tampered with (block {chunk} of {chunks} fails authentication); refusing to open it"),
    "bundle.trailing_data": (
        "案卷 {path} 末尾有多余数据（文件被改动），拒绝打开",
        "The bundle {path} has extra bytes after its end (the file was altered); refusing to open it"),
    "bundle.bad_content": (
        "案卷 {path} 的内容结构无效（并非由评审通封装），拒绝打开",
        "The content of the bundle {path} is not laid out as reviewer writes it; refusing to open it"),
    "bundle.truncated": (
        "案卷 {path} 不完整（文件被截断），请重新复制完整的案卷文件",
        "The bundle {path} is incomplete (the file was cut short); copy the whole file again"),
    "bundle.unreadable": (
        "无法读取案卷 {path}：{reason}",
        "Cannot read the bundle {path}: {reason}"),
    "bundle.write_failed": (
        "无法写入案卷 {path}：{reason}",
        "Cannot write the bundle {path}: {reason}"),
}
