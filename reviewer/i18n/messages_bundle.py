"""Messages of the bundle layer: key -> (zh_CN, en)."""

MESSAGES: dict[str, tuple[str, str]] = {
}
