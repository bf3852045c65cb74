"""Staff commands (staff chat, or a private chat with a STAFF_USER_IDS member) and the live FAQ.

Anyone else who types a staff command gets exactly what an unknown command gets.
"""
from __future__ import annotations

import asyncio
import logging
import os
import time

from telegram import Update
from telegram.ext import ContextTypes

from bot.faq import FaqError, Problem, load_faq
from bot.faq_watch import Outcome, WatchResult
from bot.reports import STATS_DAYS, group_unanswered
from bot.store import ACKNOWLEDGED

from .alerts import TIER_BADGE, hhmm
from .common import MAX_MESSAGE, Deps, clip, esc, get_deps, send_html, send_staff_html, tg_len

log = logging.getLogger(__name__)

MAX_PROBLEMS_SHOWN = 15


async def send_staff(deps: Deps, context, chat_id: int, html_parts: list[str], sep: str = "\n") -> bool:
    """Send HTML blocks, packing them into as few messages as fit (each block must fit one).
    False when any of the messages could not be sent."""
    async def send(html_text: str):
        if chat_id == deps.staff_chat_id:  # follows the staff group if it became a supergroup
            return await send_staff_html(deps, context.bot, html_text, what="staff reply")
        return await send_html(context.bot, chat_id, html_text, settings=deps.settings, what="staff reply")

    buf, ok = "", True
    for part in html_parts:
        if tg_len(part) > MAX_MESSAGE:  # a single oversized block: send it as escaped plain pieces
            part = esc(clip(part, 3000))
        candidate = f"{buf}{sep}{part}" if buf else part
        if tg_len(candidate) > MAX_MESSAGE:
            ok = await send(buf) is not None and ok
            candidate = part
        buf = candidate
    if buf:
        ok = await send(buf) is not None and ok
    return ok


def problems_html(problems: list[Problem]) -> list[str]:
    shown = [f"• {esc(p)}" for p in problems[:MAX_PROBLEMS_SHOWN]]
    if len(problems) > MAX_PROBLEMS_SHOWN:
        shown.append(f"… and {len(problems) - MAX_PROBLEMS_SHOWN} more (run <code>faqbot check</code>)")
    return shown


def faq_name(deps: Deps) -> str:
    return esc(os.path.basename(str(deps.settings.faq_path)))


def result_html(deps: Deps, result: WatchResult) -> list[str]:
    """What staff read after a reload (HTML blocks); the last good FAQ stays on failure."""
    if result.outcome is Outcome.BROKEN:
        return [f"❌ <b>{faq_name(deps)} was not loaded</b>: it has problems. I keep answering from the last "
                f"good version ({len(deps.faq.entries)} entries). Fix these and save again:"
                ] + problems_html(list(result.problems))
    if result.outcome is Outcome.RESTORED:
        return [f"✅ <b>{faq_name(deps)} is valid again</b>: it matches the version I have been answering "
                f"from ({len(deps.faq.entries)} entries)."]
    out = [f"✅ <b>{faq_name(deps)} loaded</b>: {len(deps.faq.entries)} entries, "
           f"{len(deps.faq.topics())} topics."]
    if result.warnings:
        out += ["Warnings:"] + problems_html(list(result.warnings))
    return out


async def reload_faq(deps: Deps) -> list[str]:
    """Reload now and describe the outcome for staff (HTML blocks).  The reload (seconds for a
    reworded FAQ: new sentence vectors) runs in a worker thread, so patients are answered and
    alerts sent meanwhile."""
    result = await asyncio.to_thread(deps.faq_watch.reload)
    if result.outcome is Outcome.RELOADED:
        deps.health.mark_faq_loaded()
    return result_html(deps, result)


# ---- commands ---------------------------------------------------------------------------------------
async def reload_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    deps = get_deps(context)
    log.info("/reload by staff user %s", update.effective_user.id if update.effective_user else "?")
    await send_staff(deps, context, update.effective_chat.id, await reload_faq(deps))


async def check_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    deps = get_deps(context)
    try:
        faq, warnings = await asyncio.to_thread(load_faq, deps.settings.faq_path)  # seconds: off the loop
    except FaqError as exc:
        parts = [f"❌ <b>{faq_name(deps)} has {len(exc.problems)} problem(s)</b>; the bot keeps serving the "
                 f"last good version ({len(deps.faq.entries)} entries)."] + problems_html(exc.problems)
    else:
        parts = [f"✅ <b>{faq_name(deps)} is valid</b>: {len(faq.entries)} entries."]
        if warnings:
            parts += [f"{len(warnings)} warning(s):"] + problems_html(warnings)
    await send_staff(deps, context, update.effective_chat.id, parts)


def stats_html(stats, days: int = STATS_DAYS) -> str:
    tiers = " · ".join(f"{esc(t)} {n}" for t, n in sorted(stats.escalations.items())) or "none"
    return "\n".join([
        f"<b>📊 Last {days} days</b>",
        f"Messages: {stats.messages}",
        f"Answered: {stats.answered} · Suggested: {stats.suggested} · Fallback: {stats.fallback}"
        f" · Not text: {stats.not_text}",
        f"Answers picked from buttons: {stats.picked}",
        f"Escalations: {sum(stats.escalations.values())} ({tiers})",
        f"Feedback: 👍 helpful {stats.helpful} · 👎 not helpful {stats.not_helpful}",
    ])


async def stats_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    deps = get_deps(context)
    stats = deps.store.stats(time.time() - STATS_DAYS * 86400)
    await send_html(context.bot, update.effective_chat.id, stats_html(stats), settings=deps.settings,
                    what="staff reply")


def unanswered_html(groups, days: int) -> list[str]:
    if not groups:
        return [f"No unanswered questions in the last {days} days. 🎉"]
    out = [f"<b>❓ Unanswered questions, last {days} days</b> (most asked first). Paste a snippet into "
           "faq.yaml and save: the bot reloads it within seconds."]
    for n, g in enumerate(groups, 1):
        others = f" (+{len(g.texts) - 1} similar)" if len(g.texts) > 1 else ""
        near = (f"Nearest entry: <code>{esc(g.nearest_id)}</code> (score {g.nearest_score:.0f})"
                if g.nearest_id else "No similar entry.")
        out.append(f"\n<b>{n}. asked {g.count}×</b>: “{esc(clip(g.texts[0], 200))}”{others}\n{near}\n"
                   f"<pre>{esc(g.snippet)}</pre>")
    return out


async def unanswered_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    deps = get_deps(context)
    days = deps.settings.retention_days
    items = deps.store.unanswered(time.time() - days * 86400)
    groups = group_unanswered(items, deps.faq)
    await send_staff(deps, context, update.effective_chat.id, unanswered_html(groups, days))


def open_alerts_html(alerts) -> list[str]:
    if not alerts:
        return ["No open alerts. ✅"]
    out = [f"<b>Open alerts: {len(alerts)}</b>"]
    for a in alerts:
        who = "purged" if a.purged else esc(a.patient_name or "unknown")
        who += f" @{esc(a.username)}" if a.username and not a.purged else ""
        state = (f"🟡 {esc(a.acked_by or '?')} is on it" if a.status == ACKNOWLEDGED else "🔴 nobody yet")
        sent = "" if a.delivered else f" · ⚠️ not yet delivered ({a.attempts} attempts)"
        out.append(f"#{a.id} {TIER_BADGE.get(a.tier, esc(a.tier))} · {esc(a.category)} · {who} · "
                   f"{hhmm(a.created_at)} · {state}{sent}")
    return out


async def alerts_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    deps = get_deps(context)
    await send_staff(deps, context, update.effective_chat.id, open_alerts_html(deps.store.open_alerts()))


async def on_migrate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Telegram's notice that the staff group became a supergroup (in the old chat it names the new
    one; in the new one, the old): everything that writes to staff or checks who they are follows."""
    deps = get_deps(context)
    message, chat = update.effective_message, update.effective_chat
    if message.migrate_to_chat_id and chat.id == deps.staff_chat_id:
        deps.follow_staff_chat(message.migrate_to_chat_id)
    elif message.migrate_from_chat_id and message.migrate_from_chat_id == deps.staff_chat_id:
        deps.follow_staff_chat(chat.id)


# ---- live FAQ ---------------------------------------------------------------------------------------
async def watch_faq(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Timer job: reload faq.yaml when it changes; tell staff once per new version, good or broken."""
    deps = get_deps(context)
    result = await asyncio.to_thread(deps.faq_watch.poll)  # a reload takes seconds: off the loop
    if result.outcome is Outcome.RELOADED:
        deps.health.mark_faq_loaded()
    if result.tell_staff:
        told = await send_staff(deps, context, deps.staff_chat_id, result_html(deps, result))
        if not told and result.outcome is Outcome.BROKEN:  # staff must learn their edit was refused
            log.warning("staff not told that faq.yaml was refused; telling them at the next check")
            deps.faq_watch.report_again()
