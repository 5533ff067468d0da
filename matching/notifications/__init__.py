"""Notifications: what organisations are told, in the application and by e-mail.

`kinds` fixes the kinds, their recipients and their messages; `notify` records a notice
once per cause with a notification per recipient and an outbox mail per e-mail wanted, in
the caller's transaction; `due` finds the notices that time makes due (run by `matching
tick`); `outbox` delivers the mails.
"""
