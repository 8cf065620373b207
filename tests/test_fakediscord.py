"""The fake Discord (tests/fakediscord) against the real discord.py client."""

from __future__ import annotations

import asyncio
import io
import time
from collections import Counter
from collections.abc import AsyncIterator

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands
from fakediscord import DEFAULT_TOKEN, FakeDiscord, running

CHANNEL_MESSAGES = r"/channels/\d+/messages"


class MoreView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=30)

    @discord.ui.button(label="More", custom_id="faq:more")
    async def more(
        self, interaction: discord.Interaction, button: discord.ui.Button[MoreView]
    ) -> None:
        await interaction.response.edit_message(content="more details", view=None)

    @discord.ui.select(custom_id="faq:topic", options=[discord.SelectOption(label="Install")])
    async def topic(
        self, interaction: discord.Interaction, select: discord.ui.Select[MoreView]
    ) -> None:
        await interaction.response.send_message(f"topic {select.values[0]}", ephemeral=True)


class TinyBot(commands.Bot):
    """A throwaway bot exercising what a FAQ bot does."""

    def __init__(self, guild_id: int) -> None:
        intents = discord.Intents.default()
        intents.message_content = True
        super().__init__(command_prefix="!", intents=intents)
        self.guild_obj = discord.Object(guild_id)
        self.seen: Counter[str] = Counter()
        self.seen_event = asyncio.Event()
        self.resumed = asyncio.Event()
        self.command_ids: list[str] = []
        self.late_error: discord.NotFound | None = None

    async def setup_hook(self) -> None:
        tree = self.tree

        @app_commands.command(name="faq", description="Ask a question")
        async def faq(interaction: discord.Interaction, question: str) -> None:
            self.command_ids.append((interaction.data or {}).get("id", ""))
            embed = discord.Embed(title="Answer", description=f"You asked: {question}")
            await interaction.response.send_message(
                embed=embed, allowed_mentions=discord.AllowedMentions.none(), view=MoreView()
            )

        @faq.autocomplete("question")
        async def faq_complete(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            topics = ["install", "invite", "uninstall"]
            return [app_commands.Choice(name=t, value=t) for t in topics if t.startswith(current)]

        @app_commands.command(name="upload", description="Send a file")
        async def upload(interaction: discord.Interaction) -> None:
            await interaction.response.defer(thinking=True)
            await interaction.edit_original_response(content="working on it")
            file = discord.File(io.BytesIO(b"hello file"), filename="a.txt")
            await interaction.followup.send("here", file=file)

        @app_commands.context_menu(name="Quote")
        async def quote(interaction: discord.Interaction, message: discord.Message) -> None:
            await interaction.response.send_message(f"> {message.content}", ephemeral=True)

        @app_commands.command(name="slow", description="Answers too late")
        async def slow(interaction: discord.Interaction) -> None:
            await asyncio.sleep(0.3)
            try:
                await interaction.response.send_message("late")
            except discord.NotFound as exc:
                self.late_error = exc

        for command in (faq, upload, quote, slow):
            tree.add_command(command, guild=self.guild_obj)

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot:
            return
        self.seen[message.content] += 1
        self.seen_event.set()
        if message.content == "!ping":
            await message.channel.send("pong")
        elif message.content == "!reply":
            await message.reply("replied", mention_author=False)
        elif message.guild is None:
            await message.author.send(f"dm ok: {message.content}")

    async def on_resumed(self) -> None:
        self.resumed.set()


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as server:
        yield server


@pytest.fixture
async def bot(fake: FakeDiscord) -> AsyncIterator[TinyBot]:
    tiny = TinyBot(fake.guild.id)
    async with running(tiny, fake):
        await tiny.tree.sync(guild=tiny.guild_obj)
        yield tiny
    assert fake.unhandled == []
    fake.assert_no_violations()


async def test_connects_and_receives_ready_and_guild(fake: FakeDiscord, bot: TinyBot) -> None:
    assert bot.user is not None
    assert bot.user.id == int(fake.bot_user["id"])
    guild = bot.get_guild(fake.guild.id)
    assert guild is not None
    assert guild.name == "Fake Guild"
    assert [c.name for c in guild.text_channels] == ["general"]
    assert guild.owner_id == int(fake.owner["id"])
    assert guild.me is not None
    assert guild.me.guild_permissions.send_messages
    (conn,) = fake.connections
    assert conn.query == {"v": "10", "encoding": "json", "compress": "zlib-stream"}
    assert conn.identify is not None
    assert conn.identify["token"] == DEFAULT_TOKEN
    assert conn.intents == bot.intents.value
    assert fake.requests[0].headers["Authorization"] == f"Bot {DEFAULT_TOKEN}"


async def test_sync_registers_guild_commands(fake: FakeDiscord, bot: TinyBot) -> None:
    put = await fake.wait_for_request("PUT", r"/applications/\d+/guilds/\d+/commands")
    assert {c["name"] for c in put.json} == {"faq", "upload", "Quote", "slow"}
    registered = {c["name"]: c for c in fake.commands(guild=True)}
    assert set(registered) == {"faq", "upload", "Quote", "slow"}
    assert registered["faq"]["options"][0]["autocomplete"] is True
    assert fake.commands() == []  # nothing global

    await fake.send_slash("faq", {"question": "how?"})
    await fake.wait_for_request("POST", r"/interactions/.*/callback")
    assert bot.command_ids == [registered["faq"]["id"]]


async def test_slash_reply_with_embed_and_allowed_mentions(fake: FakeDiscord, bot: TinyBot) -> None:
    info = await fake.send_slash("faq", {"question": "how do I install?"})
    callback = await fake.wait_for_callback(info)
    assert callback.status == 200
    assert callback.query == {"with_response": "1"}
    assert callback.json["type"] == 4
    data = callback.json["data"]
    assert data["embeds"][0]["title"] == "Answer"
    assert data["embeds"][0]["description"] == "You asked: how do I install?"
    assert data["allowed_mentions"] == {"parse": []}
    assert data["components"][0]["components"][0]["custom_id"] == "faq:more"
    assert callback.response["resource"]["message"]["embeds"][0]["title"] == "Answer"
    assert fake.violations == []


async def test_button_click_updates_the_message(fake: FakeDiscord, bot: TinyBot) -> None:
    info = await fake.send_slash("faq", {"question": "buttons?"})
    callback = await fake.wait_for_callback(info)
    message = callback.response["resource"]["message"]

    choose = await fake.send_component("faq:topic", message, component_type=3, values=["Install"])
    reply = await fake.wait_for_callback(choose)
    assert reply.json["data"]["content"] == "topic Install"
    assert reply.json["data"]["flags"] == 64

    click = await fake.send_component("faq:more", message)
    update = await fake.wait_for_callback(click)
    assert update.json["type"] == 7
    assert update.json["data"]["content"] == "more details"
    assert update.json["data"]["components"] == []
    assert fake.state.messages[int(message["id"])]["content"] == "more details"
    with pytest.raises(AssertionError, match="no component"):
        await fake.send_component("faq:more", message)  # the button is gone now
    assert fake.violations == []


async def test_options_must_fit_the_registered_command(fake: FakeDiscord, bot: TinyBot) -> None:
    with pytest.raises(AssertionError, match="unknown"):
        await fake.send_slash("faq", {"nope": "x"})
    with pytest.raises(AssertionError, match="missing"):
        await fake.send_slash("faq")


async def test_answer_after_the_deadline_is_unknown_interaction(
    fake: FakeDiscord, bot: TinyBot
) -> None:
    fake.interaction_deadline = 0.1  # Discord: 3 s
    info = await fake.send_slash("slow")
    callback = await fake.wait_for_callback(info)
    assert callback.status == 404
    assert callback.response == {"message": "Unknown interaction", "code": 10062}
    assert info.expired
    for _ in range(50):
        if bot.late_error is not None:
            break
        await asyncio.sleep(0.01)
    assert bot.late_error is not None
    assert bot.late_error.code == 10062


async def test_autocomplete_answers_choices(fake: FakeDiscord, bot: TinyBot) -> None:
    info = await fake.send_autocomplete("faq", {"question": "inst"}, focused="question")
    callback = await fake.wait_for_callback(info)
    assert callback.json == {
        "type": 8,
        "data": {"choices": [{"name": "install", "value": "install"}]},
    }
    assert fake.violations == []


async def test_deferred_followup_with_file(fake: FakeDiscord, bot: TinyBot) -> None:
    info = await fake.send_slash("upload")
    callback = await fake.wait_for_callback(info)
    assert callback.json["type"] == 5
    assert callback.response["interaction"]["response_message_loading"] is True
    edit = await fake.wait_for_request("PATCH", r"/webhooks/\d+/[^/]+/messages/@original")
    assert edit.json["content"] == "working on it"
    assert edit.response["flags"] & 128 == 0  # no longer "thinking"
    followup = await fake.wait_for_request("POST", rf"/webhooks/{fake.application_id}/[^/]+")
    assert followup.json["content"] == "here"
    assert [(f.field, f.filename, f.data) for f in followup.files] == [
        ("files[0]", "a.txt", b"hello file")
    ]
    assert followup.response["attachments"][0]["filename"] == "a.txt"
    assert fake.violations == []


async def test_message_context_menu(fake: FakeDiscord, bot: TinyBot) -> None:
    target = await fake.send_message("quote me")
    info = await fake.send_message_command("Quote", target)
    callback = await fake.wait_for_callback(info)
    assert callback.json["data"]["content"] == "> quote me"


async def test_message_create_gets_channel_reply(fake: FakeDiscord, bot: TinyBot) -> None:
    await fake.send_message("!ping")
    reply = await fake.wait_for_request("POST", CHANNEL_MESSAGES)
    assert reply.path == f"/channels/{fake.channel['id']}/messages"
    assert reply.json["content"] == "pong"
    assert reply.response["author"]["id"] == fake.bot_user["id"]
    await asyncio.sleep(0.05)  # the bot's own echoed MESSAGE_CREATE must not trigger a reply
    assert len(fake.requests_matching("POST", CHANNEL_MESSAGES)) == 1


async def test_reply_references_the_message(fake: FakeDiscord, bot: TinyBot) -> None:
    original = await fake.send_message("!reply")
    reply = await fake.wait_for_request("POST", CHANNEL_MESSAGES)
    assert reply.json["message_reference"]["message_id"] == int(original["id"])
    assert reply.json["allowed_mentions"]["replied_user"] is False
    assert reply.response["type"] == 19
    assert reply.response["referenced_message"]["content"] == "!reply"


async def test_direct_message(fake: FakeDiscord, bot: TinyBot) -> None:
    await fake.send_message("hello bot", guild=False)
    reply = await fake.wait_for_request("POST", CHANNEL_MESSAGES)
    dm = fake.dm_channel(fake.user)
    assert reply.path == f"/channels/{dm['id']}/messages"
    assert reply.json["content"] == "dm ok: hello bot"


async def test_rate_limited_then_success(fake: FakeDiscord, bot: TinyBot) -> None:
    fake.fail_next("POST", CHANNEL_MESSAGES, status=429, retry_after=0.05)
    start = time.monotonic()
    await fake.send_message("!ping")
    limited = await fake.wait_for_request("POST", CHANNEL_MESSAGES)
    ok = await fake.wait_for_request("POST", CHANNEL_MESSAGES)
    assert (limited.status, ok.status) == (429, 200)
    assert ok.json["content"] == "pong"
    assert time.monotonic() - start < 3


async def test_server_error_then_success(fake: FakeDiscord, bot: TinyBot) -> None:
    fake.fail_next("POST", CHANNEL_MESSAGES, status=500)
    await fake.send_message("!ping")
    failed = await fake.wait_for_request("POST", CHANNEL_MESSAGES)
    ok = await fake.wait_for_request("POST", CHANNEL_MESSAGES, timeout=5)  # retried after 1 s
    assert (failed.status, ok.status) == (500, 200)


async def test_gateway_drop_then_resume_delivers_once(fake: FakeDiscord, bot: TinyBot) -> None:
    await fake.drop_gateway(wait=False)
    # Sent while the bot is disconnected: Discord replays it after RESUME.
    await fake.send_message("while away")
    await asyncio.wait_for(bot.resumed.wait(), 5)
    await fake.send_message("after resume")
    await fake.send_message("!ping")
    await fake.wait_for_request("POST", CHANNEL_MESSAGES)
    assert bot.seen == Counter({"while away": 1, "after resume": 1, "!ping": 1})
    first, second = fake.connections
    assert first.close_code == 4000
    assert second.path == "/resume-gateway"
    assert second.identify is None
    assert second.resume is not None
    assert second.resume["session_id"] == fake.gateway.session_id


async def test_reconnect_request_and_invalid_session(fake: FakeDiscord, bot: TinyBot) -> None:
    await fake.send_reconnect()
    await asyncio.wait_for(bot.resumed.wait(), 5)
    await fake.invalidate_session()
    _first, resumed, identified = fake.connections
    assert resumed.resume is not None
    assert identified.identify is not None
    assert identified.resume is None or identified.resume["session_id"] != fake.gateway.session_id
    await fake.send_message("!ping")
    reply = await fake.wait_for_request("POST", CHANNEL_MESSAGES)
    assert reply.json["content"] == "pong"


async def test_invalid_body_is_refused_and_recorded(fake: FakeDiscord, bot: TinyBot) -> None:
    url = f"{fake.api_base}/channels/{fake.channel['id']}/messages"
    headers = {"Authorization": f"Bot {DEFAULT_TOKEN}"}
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json={"content": 5, "tts": "yes"}, headers=headers) as resp,
    ):
        assert resp.status == 400
        assert resp.headers["Content-Type"] == "application/json"
        body = await resp.json()
    assert body["code"] == 50035
    assert body["message"] == "Invalid Form Body"
    assert set(body["errors"]) == {"content", "tts"}
    (violation,) = fake.violations
    assert violation.template == "/channels/{channel_id}/messages"

    # discord.py surfaces the same refusal as an HTTPException (content > 2000 per the docs).
    channel = bot.get_channel(int(fake.channel["id"]))
    assert isinstance(channel, discord.TextChannel)
    with pytest.raises(discord.HTTPException) as excinfo:
        await channel.send("x" * 2001)
    assert excinfo.value.status == 400
    assert excinfo.value.code == 50035
    assert len(fake.violations) == 2
    fake.violations.clear()


async def test_sharded_identify_is_recorded(fake: FakeDiscord) -> None:
    sharded = commands.AutoShardedBot(command_prefix="!", intents=discord.Intents.default())
    async with running(sharded, fake):
        assert sharded.shard_count == 1
        assert fake.connections[0].shard == [0, 1]
        assert sharded.get_guild(fake.guild.id) is not None
    assert fake.requests_matching("GET", "/gateway/bot")


async def test_privileged_intents_must_be_enabled() -> None:
    async with FakeDiscord(privileged_intents=0) as server:
        tiny = TinyBot(server.guild.id)  # asks for message_content
        with pytest.raises(discord.PrivilegedIntentsRequired):
            async with running(tiny, server):
                pass
        assert server.connections[0].close_code == 4014


async def test_wrong_token_fails_login() -> None:
    async with FakeDiscord(token="right") as server:
        tiny = TinyBot(server.guild.id)
        with pytest.raises(discord.LoginFailure):
            async with running(tiny, server, token="wrong"):
                pass
