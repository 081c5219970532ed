"""Messages of the paper score sheet reader: key -> (zh_CN, en)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "sheets.unreadable": ("无法读取 {path}：{problem}", "Cannot read {path}: {problem}"),
    "sheets.encoding": ("{path} 不是 UTF-8 或 GB18030 编码的文本", "{path} is neither UTF-8 nor GB18030 text"),
    "sheets.format": ("{path}：评分表须为 .csv 或 .xlsx 文件", "{path}: score sheets must be .csv or .xlsx"),
    "sheets.no_header": ("{path} 是空文件", "{path} is empty"),
    "sheets.missing_column": ("{path} 缺少“{column}”列（可用列名：{aliases}）", "{path} lacks the {column!r} column (accepted names: {aliases})"),
}
