// The gateway connection (DESIGN.md §5): hello → ready, event frames in `seq` order,
// ping every 30 s, and on a drop a reconnect with exponential backoff and jitter that
// resumes from the last `seq` seen. Events are deduplicated by `seq`, so a replay that
// overlaps what was already shown never shows anything twice.

const HEARTBEAT_MS = 30000;
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 30000;
// Close codes after which reconnecting cannot help (protocol/frames.py CloseCode).
const FATAL = new Set([4001, 4003, 4400]);
const CURSOR_EXPIRED = 4009;

export class Gateway {
  constructor({ token, onReady, onEvent, onState, onFatal }) {
    this.token = token;
    this.onReady = onReady;
    this.onEvent = onEvent;
    this.onState = onState;
    this.onFatal = onFatal;
    this.cursor = null; // decimal string of the last processed seq
    this.lastSeq = 0;
    this.attempt = 0;
    this.socket = null;
    this.stopped = false;
    this.heartbeat = null;
    this.retryTimer = null;
    // Between a resuming `ready` and `resumed`: the replay of what was missed, whose
    // effects the `ready` state (read now) already includes.
    this.replaying = false;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    clearInterval(this.heartbeat);
    if (this.socket) this.socket.close(1000, "bye");
    this.socket = null;
  }

  // Waiting out a backoff: try now instead (the network came back, the page was shown
  // again, or the user asked). A connection open or being opened is left alone.
  retryNow() {
    if (this.stopped || this.socket || this.retryTimer === null) return false;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.connect();
    return true;
  }

  send(frame) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  connect() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    this.onState(this.attempt === 0 ? "connecting" : "reconnecting");
    const socket = new WebSocket(`${scheme}//${location.host}/gateway`);
    this.socket = socket;
    socket.addEventListener("open", () => {
      const hello = { op: "hello", token: this.token };
      if (this.cursor !== null) hello.cursor = this.cursor;
      socket.send(JSON.stringify(hello));
    });
    socket.addEventListener("message", (msg) => this.receive(msg.data));
    socket.addEventListener("close", (ev) => this.closed(socket, ev.code));
  }

  receive(raw) {
    let frame;
    try {
      frame = JSON.parse(raw);
    } catch (err) {
      return;
    }
    if (frame.op === "ready") {
      this.attempt = 0; // a healthy session resets the backoff
      if (frame.cursor !== undefined && frame.cursor !== null && this.cursor === null) {
        this.cursor = String(frame.cursor);
        this.lastSeq = Number(frame.cursor) || 0;
      }
      this.replaying = Boolean(frame.resumed);
      clearInterval(this.heartbeat);
      this.heartbeat = setInterval(() => this.send({ op: "ping" }), HEARTBEAT_MS);
      this.onState("connected");
      this.onReady(frame);
    } else if (frame.op === "event") {
      if (typeof frame.seq === "number") {
        if (frame.seq <= this.lastSeq) return; // already shown: a resume overlap
        this.lastSeq = frame.seq;
        this.cursor = String(frame.seq);
      }
      this.onEvent(frame);
    } else if (frame.op === "resumed") {
      this.replaying = false;
    } else if (frame.op === "error") {
      console.warn("gateway error", frame.code, frame.message);
    }
  }

  closed(socket, code) {
    if (socket !== this.socket) return;
    clearInterval(this.heartbeat);
    this.socket = null;
    if (this.stopped) return;
    if (FATAL.has(code)) {
      this.onState("disconnected");
      this.onFatal(code);
      return;
    }
    if (code === CURSOR_EXPIRED) {
      // Too far behind to replay: start over from a fresh `ready` (a full resync).
      this.cursor = null;
      this.lastSeq = 0;
    }
    this.attempt += 1;
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(this.attempt, 10));
    const delay = ceiling / 2 + Math.random() * (ceiling / 2); // "equal jitter"
    this.onState("reconnecting", Math.round(delay / 1000));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }
}
