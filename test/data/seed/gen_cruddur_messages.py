#!/usr/bin/env python3
"""Generates seed/cruddur-messages.jsonl: two users and one conversation (our own text) in the Cruddur
single-table shapes (GRP# rows per user, MSG# rows per message).  Deterministic: fixed UUIDs and times.
Run from the repository root:  python3 test/data/seed/gen_cruddur_messages.py > seed/cruddur-messages.jsonl"""
import datetime
import json
import uuid

NS = uuid.UUID("6f1c2f7e-3c55-4e0e-9b1a-8d2f5e7c4a10")
MAYA = {"uuid": str(uuid.uuid5(NS, "user:maya")), "display_name": "Maya Okafor", "handle": "mayaokafor"}
TOMAS = {"uuid": str(uuid.uuid5(NS, "user:tomas")), "display_name": "Tomas Lind", "handle": "tomaslind"}
GROUP = str(uuid.uuid5(NS, "group:maya-tomas"))

# (sender, text): M = Maya, T = Tomas.  Two friends plan a weekend cycling trip along the coast.
TALK = """M|Hey Tomas! Are you still up for that coast ride we talked about?
T|Absolutely. I have been looking at the map all week.
M|Great. I was thinking the first weekend of next month.
T|That works for me. Saturday and Sunday, or just one day?
M|Both days if we can. Ride out Saturday, stay over, ride back Sunday.
T|I like that. How far are we talking?
M|About 70 km each way along the old harbour road.
T|That is doable. Is it hilly?
M|Mostly flat, one long climb after the lighthouse.
T|I remember that climb. It is steep but short.
M|We can walk it if we have to, no shame in that.
T|Ha, agreed. Where would we stay?
M|There is a small guesthouse in the fishing village at the end.
T|The one with the blue shutters?
M|Yes! They have a shed for bikes too.
T|Perfect. Should I call them or will you?
M|I can call tomorrow morning. Two rooms?
T|Two rooms, yes. I snore like a ferry horn.
M|Noted, two rooms it is.
T|What about food on the way?
M|There is a bakery halfway, in the village with the windmill.
T|The cinnamon buns there are legendary.
M|That settles the lunch stop then.
T|We should bring snacks anyway. Nuts, bananas, the usual.
M|And plenty of water. Last time I ran out near the dunes.
T|I will bring the big bottles and a filter just in case.
M|Good thinking. What time do we start on Saturday?
T|Early is better, the wind picks up after noon.
M|Eight o'clock at the station?
T|Eight works. I will take the first train in.
M|Can you take bikes on that train?
T|Yes, the first carriage has hooks. I checked last year.
M|Great. Do you have a spare inner tube?
T|I have two. And a pump that actually works now.
M|Progress! I will bring the tool kit and the patch set.
T|Should we invite anyone else?
M|I asked Priya but she is away that weekend.
T|Shame. Next time then.
M|Definitely. Maybe we make it a spring tradition.
T|I would like that a lot.
M|The guesthouse says they have two rooms left. Booked!
T|Amazing, thank you. How much do I owe you?
M|Forty each, breakfast included. Pay me whenever.
T|I will send it tonight.
M|No rush. They also said the kitchen closes at nine.
T|So dinner somewhere else if we arrive late.
M|There is a fish shack by the pier that stays open.
T|Fish and chips after 70 km sounds right.
M|Exactly my thinking.
T|How is your bike, by the way? The gears were slipping.
M|I took it to the shop. New chain and cassette.
T|Nice, it should feel like a new bike.
M|It really does. I did 30 km yesterday to test it.
T|How did it go?
M|Smooth. Only the saddle needs a small adjustment.
T|Bring the hex keys, we can fix it on the road.
M|Already in the kit.
T|What is the forecast looking like?
M|Too early to tell. I will check again midweek.
T|If it rains we can push it a week.
M|Agreed. Light rain is fine, storms are not.
T|I have a proper rain jacket now, so bring it on.
M|The yellow one? You will be visible from space.
T|That is the idea. Safety first.
M|Fair. I should get some brighter lights too.
T|The shop near the station has good ones on sale.
M|I will stop by on Thursday.
T|Do you want to plan a route for Sunday that is different?
M|Maybe inland through the forest? It is a bit longer.
T|How much longer?
M|About 15 km more, but it is shaded and quiet.
T|Let us decide on the day depending on our legs.
M|Sounds sensible.
T|I made a packing list. Want me to share it?
M|Yes please, I always forget something.
T|Sent. Tell me if I missed anything.
M|Looks complete. Maybe add sunscreen.
T|Good call, added.
M|And a small lock for the café stops.
T|Added that too. The list is getting long.
M|We will fit it all in the panniers, no problem.
T|The forecast is in: sunny Saturday, clouds Sunday.
M|That is about as good as it gets.
T|I am really looking forward to this.
M|Me too. It has been too long since a proper ride.
T|Last check: eight o'clock, station, first carriage.
M|Confirmed. I will bring coffee in a flask.
T|You are the best.
M|I know. See you Saturday!
T|I am at the station already, way too early.
M|Ha! I am five minutes away.
T|Coffee smell detected from here.
M|What a day. My legs are done.
T|The climb after the lighthouse was not short at all.
M|The view from the top made up for it though.
T|It did. And those fish and chips were perfect.
M|Forest route tomorrow?
T|Forest route. Let us take it slow.
M|Deal. Breakfast at eight, rolling by nine.
T|Good night, and thanks for organising all of this.
M|Thank you for coming. Same time next spring?
T|Same time next spring. It is a plan."""

def main():
    users = {"M": MAYA, "T": TOMAS}
    t = datetime.datetime(2024, 3, 4, 9, 0, 0, 0, tzinfo=datetime.timezone.utc)
    rows = []
    lines = [l.split("|", 1) for l in TALK.splitlines()]
    for i, (who, text) in enumerate(lines):
        # the chat spreads over a few weeks; the ride itself is the last dozen messages
        t += datetime.timedelta(minutes=7 + (i * 37) % 180, seconds=(i * 13) % 60, microseconds=(i * 104729) % 1000000)
        if i in (20, 45, 70, 88):
            t += datetime.timedelta(days=3)
        u = users[who]
        rows.append({
            "pk": "MSG#" + GROUP,
            "sk": t.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00"),
            "message_group_uuid": GROUP,
            "message_uuid": str(uuid.uuid5(NS, "message:%d" % i)),
            "message": text,
            "user_uuid": u["uuid"],
            "user_display_name": u["display_name"],
            "user_handle": u["handle"],
        })
    last = rows[-1]
    grp = []
    for owner, other in ((MAYA, TOMAS), (TOMAS, MAYA)):
        grp.append({
            "pk": "GRP#" + owner["uuid"],
            "sk": last["sk"],
            "message_group_uuid": GROUP,
            "message": last["message"],
            "user_uuid": other["uuid"],
            "user_display_name": other["display_name"],
            "user_handle": other["handle"],
        })
    for r in grp + rows:
        print(json.dumps(r, ensure_ascii=False, separators=(",", ":")))

if __name__ == "__main__":
    main()
