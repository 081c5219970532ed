"""Messages of the keyed audit chain, replay validation and the session database's edges."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "audit.broken.edited": ("审计链断裂：第 {seq} 条记录的内容被修改（哈希不符）{detail}", "Audit chain broken: event {seq} was edited (its hash does not match) {detail}"),
    "audit.broken.forged": ("审计链断裂：第 {seq} 条记录未通过密钥认证（被伪造、插入或在无口令的情况下重新计算哈希）{detail}", "Audit chain broken: event {seq} fails authentication (forged, inserted or rehashed without the passphrase) {detail}"),
    "audit.broken.missing": ("审计链断裂：缺少第 {seq} 条记录（记录被删除）{detail}", "Audit chain broken: event {seq} is missing (events were deleted) {detail}"),
    "audit.broken.reordered": ("审计链断裂：第 {seq} 条记录顺序错乱或与前一条不相连（被调换或删除）{detail}", "Audit chain broken: event {seq} is out of order or not linked to its predecessor (reordered or deleted) {detail}"),
    "audit.broken.truncated": ("审计链断裂：第 {seq} 条及其后的最新记录不见了（被截断，已核验 {count} 条）{detail}", "Audit chain broken: event {seq} and the newest after it are gone (truncated; {count} verified) {detail}"),
    "audit.broken.head": ("审计链断裂：链头记录缺失、无法读取或未通过认证（第 {seq} 条）{detail}", "Audit chain broken: the head row is missing, unreadable or not authentic (at event {seq}) {detail}"),
    "audit.broken.unreadable": ("审计链断裂：第 {seq} 条记录无法读取（数据损坏）：{detail}", "Audit chain broken: event {seq} cannot be read (damaged data): {detail}"),
    "audit.broken.invalid": ("审计链断裂：第 {seq} 条记录不是评审程序可能写出的操作：{detail}", "Audit chain broken: event {seq} is not an action the program could have written: {detail}"),
    "audit.broken.rolled_back": ("审计链断裂：评审数据库落后于或不同于本终端已核验的记录（第 {seq} 条；被回退、截断或替换）。检查点：{detail}", "Audit chain broken: the session database is behind or differs from what this terminal verified (event {seq}; rolled back, truncated or replaced). Checkpoint: {detail}"),
    # ``reviewer audit verify`` prints cli.audit_broken_<problem>
    "cli.audit_broken_edited": ("审计链断裂：第 {seq} 条记录被修改", "Audit chain broken: event {seq} was edited"),
    "cli.audit_broken_forged": ("审计链断裂：第 {seq} 条记录未通过密钥认证（伪造或重新计算哈希）", "Audit chain broken: event {seq} fails authentication (forged or rehashed)"),
    "cli.audit_broken_missing": ("审计链断裂：缺少第 {seq} 条记录", "Audit chain broken: event {seq} is missing"),
    "cli.audit_broken_reordered": ("审计链断裂：第 {seq} 条记录顺序错乱", "Audit chain broken: event {seq} is out of order"),
    "cli.audit_broken_truncated": ("审计链断裂：第 {seq} 条起的记录被截断", "Audit chain broken: events from {seq} on were truncated"),
    "cli.audit_broken_unreadable": ("审计链断裂：第 {seq} 条记录无法读取", "Audit chain broken: event {seq} cannot be read"),
    "cli.audit_broken_invalid": ("审计链断裂：第 {seq} 条记录无效", "Audit chain broken: event {seq} is invalid"),
    "cli.audit_broken_rolled_back": ("审计链断裂：数据库在第 {seq} 条处被回退", "Audit chain broken: the database was rolled back at event {seq}"),
    "review.export_concurrent": ("另一终端已在此期间导出并记录了同一结果（{at}），本次导出未写入文件、未作记录；如需另一份，请重新导出", "Another terminal exported and recorded these results meanwhile ({at}); this export wrote no file and recorded nothing. Export again for another copy"),
    "review.round_moved_on": ("另一终端已结束该轮评审（您看到的是：{expected}，现在：{round}），本次操作未执行", "Another terminal has already closed that round (you saw: {expected}; now: {round}); nothing was done"),
    "bundle.kdf_out_of_bounds": ("案卷 {path} 的文件头要求的密钥派生参数超出允许范围（时间 {time_cost}、内存 {memory_mib} MiB、并行 {parallelism}；上限为时间 {max_time}、内存 {max_mib} MiB、并行 {max_parallelism}），文件头被改动，拒绝打开", "The header of the bundle {path} asks for key-derivation costs outside the allowed bounds (time {time_cost}, memory {memory_mib} MiB, parallelism {parallelism}; at most time {max_time}, {max_mib} MiB, parallelism {max_parallelism}): the header was altered; refusing to open it"),
    "store.bad_url": ("评审数据库地址无法使用：{url}（{detail}）", "Unusable session database URL: {url} ({detail})"),
    "store.damaged": ("评审数据库 {url} 已损坏或不是数据库文件：{detail}", "The session database {url} is damaged or not a database: {detail}"),
    "store.old_schema": ("评审数据库版本为 {found}（无密钥审计链），本程序需要版本 {supported}；旧数据库不能升级，因为无法证明其记录未被改动。请用新数据库（--db）重新开始，并保留旧文件备查", "The session database is version {found} (no keyed audit chain); this program needs version {supported}. It cannot be upgraded, since nothing proves its events unchanged: start a new database (--db) and keep the old file for the record"),
}
