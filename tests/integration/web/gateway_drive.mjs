// Drives the web client's own api.js and gateway.js (not a copy) against a real server
// from Node: register, open a room, post, drop the connection, post while it is down,
// and report what the gateway module delivered. Run by test_client_modules.py.
//   node --experimental-websocket gateway_drive.mjs <server url> <static dir>

import { pathToFileURL } from "node:url";

globalThis.location = new URL(process.argv[2]);
const staticDir = process.argv[3];
const { api, setToken } = await import(pathToFileURL(`${staticDir}/js/api.js`).href);
const { Gateway } = await import(pathToFileURL(`${staticDir}/js/gateway.js`).href);

async function until(check, what) {
  for (let i = 0; i < 2000; i += 1) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const auth = await api("POST", "/auth/register", { username: "webdriver", password: "correct-horse-battery" });
setToken(auth.token);
const room = await api("POST", "/rooms", { name: "web" });

const readies = [];
const events = [];
const states = [];
const gateway = new Gateway({
  token: auth.token,
  onReady: (frame) => readies.push({ resumed: frame.resumed, rooms: frame.rooms.map((r) => r.id) }),
  onEvent: (frame) => events.push(frame),
  onState: (state) => states.push(state),
  onFatal: (code) => states.push(`fatal ${code}`),
});
gateway.start();
await until(() => readies.length === 1, "ready");

const created = () => events.filter((e) => e.type === "message.created").map((e) => e.data.message.content);
await api("POST", `/rooms/${room.id}/messages`, { content: "one" });
await until(() => created().includes("one"), "message one live");

// A network drop: the socket goes away under the client, which must come back by itself.
gateway.socket.close(4000, "drop");
await until(() => states.includes("reconnecting"), "the reconnecting state");
await api("POST", `/rooms/${room.id}/messages`, { content: "two" });
await until(() => readies.length === 2 && created().includes("two"), "resume and message two");
await api("POST", `/rooms/${room.id}/messages`, { content: "three" });
await until(() => created().includes("three"), "message three live");

gateway.stop();
console.log(JSON.stringify({ room: room.id, readies, states, created: created(), seqs: events.map((e) => e.seq).filter((s) => s !== undefined) }));
process.exit(0);
