"""The stand-in's forums, threads and message-content rule against the real discord.py client."""

from __future__ import annotations

import asyncio

import discord
import pytest
from fakediscord import FakeDiscord, running

MANAGE_THREADS = 1 << 34


class Watcher(discord.Client):
    """Records the thread and message events it gets."""

    def __init__(self, *, message_content: bool) -> None:
        intents = discord.Intents.default()
        intents.message_content = message_content
        super().__init__(intents=intents)
        self.threads: asyncio.Queue[discord.Thread] = asyncio.Queue()
        self.messages: asyncio.Queue[discord.Message] = asyncio.Queue()

    async def on_thread_create(self, thread: discord.Thread) -> None:
        await self.threads.put(thread)

    async def on_message(self, message: discord.Message) -> None:
        await self.messages.put(message)


async def test_a_forum_post_arrives_as_discord_sends_it() -> None:
    async with FakeDiscord() as fake:
        forum = fake.add_forum("help", ["Solved", "Bug"])
        client = Watcher(message_content=True)
        async with running(client, fake):
            channel = client.get_channel(int(forum["id"]))
            assert isinstance(channel, discord.ForumChannel)
            assert [t.name for t in channel.available_tags] == ["Solved", "Bug"]
            thread_json, _ = await fake.open_post(forum, "Printer on fire", "It smokes",
                                                  tags=["Bug"])
            thread = await asyncio.wait_for(client.threads.get(), 5)
            assert thread.id == int(thread_json["id"]) and thread.parent == channel
            assert thread.owner_id == int(fake.user["id"])
            assert [t.name for t in thread.applied_tags] == ["Bug"]
            first = await asyncio.wait_for(client.messages.get(), 5)
            assert first.id == thread.id and first.channel == thread
            assert first.content == "It smokes"
            assert thread.starter_message == first
        assert fake.violations == []


async def test_without_the_intent_guild_message_content_is_empty() -> None:
    async with FakeDiscord() as fake:
        forum = fake.add_forum("help")
        client = Watcher(message_content=False)
        async with running(client, fake):
            await fake.open_post(forum, "title", "the body")
            first = await asyncio.wait_for(client.messages.get(), 5)
            assert first.content == ""
            bot_id = fake.bot_user["id"]
            await fake.send_message(f"<@{bot_id}> hello", mentions=[fake.bot_user])
            mentioned = await asyncio.wait_for(client.messages.get(), 5)
            assert mentioned.content == f"<@{bot_id}> hello"
            await fake.send_message("in private", guild=False)
            direct = await asyncio.wait_for(client.messages.get(), 5)
            assert direct.content == "in private"


async def test_thread_edits_need_manage_threads_and_known_tags() -> None:
    async with FakeDiscord() as fake:
        forum = fake.add_forum("help", ["Solved", "Bug"])
        client = Watcher(message_content=False)
        async with running(client, fake):
            await fake.open_post(forum, "title")
            thread = await asyncio.wait_for(client.threads.get(), 5)
            assert isinstance(thread.parent, discord.ForumChannel)
            solved = thread.parent.available_tags[0]
            with pytest.raises(discord.Forbidden):
                await thread.edit(applied_tags=[solved])
            fake.grant_bot(MANAGE_THREADS)
            await thread.edit(applied_tags=[solved])
            for _ in range(50):  # THREAD_UPDATE reaches the cache
                if thread.applied_tags == [solved]:
                    break
                await asyncio.sleep(0.02)
            assert thread.applied_tags == [solved]
            with pytest.raises(discord.HTTPException) as unknown:
                await thread.edit(applied_tags=[discord.Object(id=1)])  # type: ignore[list-item]
            assert unknown.value.status == 400
            general = client.get_channel(int(fake.channel["id"]))
            assert isinstance(general, discord.TextChannel)
            with pytest.raises(discord.HTTPException) as wrong_type:
                await general.edit(name="renamed")
            assert wrong_type.value.code == 50024
        assert fake.violations == []


async def test_threads_opened_by_the_bot() -> None:
    async with FakeDiscord() as fake:
        client = Watcher(message_content=False)
        async with running(client, fake):
            general = client.get_channel(int(fake.channel["id"]))
            assert isinstance(general, discord.TextChannel)
            thread = await general.create_thread(name="a question",
                                                 type=discord.ChannelType.public_thread)
            created = await asyncio.wait_for(client.threads.get(), 5)
            assert created.id == thread.id and created.parent == general
            await thread.add_user(discord.Object(id=int(fake.user["id"])))
            sent = await thread.send("hello")
            assert sent.channel.id == thread.id
            with pytest.raises(discord.HTTPException) as nested:
                await client.http.start_thread_without_message(
                    thread.id, name="nested", auto_archive_duration=60, type=11)
            assert nested.value.code == 50024
        assert fake.violations == []
