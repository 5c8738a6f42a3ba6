#!/usr/bin/python3
"""Python harness of ``./sluice bench peers`` (see ``sluice-bench/peers/PROTOCOL.md``).

    /usr/bin/python3 harness.py <zmq|shm> <ping|pong|source|sink> key=value ...

Standard library, pyzmq and numpy only (Debian's python3-zmq / python3-numpy: run it with /usr/bin/python3).
It plays what a robotics lab writes in Python, done competently:

``zmq``
    pyzmq with numpy frames over ``ipc://`` sockets in ``dir``: ``send(array, copy=False)``, ``recv(copy=False)``
    and ``np.frombuffer`` on the frame.

    * latency: a PAIR socket each side (pong binds ``ipc://<dir>/zmq-lat``, ping connects).
    * throughput: PUSH (connects) / PULL (binds ``zmq-data``); PUSH blocks at its high-water mark, so nothing is
      lost. HWM 1000 messages up to 4 KiB, 16 up to 16 MiB, 8 above (about the slots of the Sluice run). After
      ``END`` the sink PUSHes ``bye 0`` on a side channel (the source's PULL ``zmq-hello``) and the source waits
      for it before it disconnects (see ``send_end``: libzmq 4.3 can lose a backlogged sink's tail otherwise).
    * fan-out: one PUB (binds ``zmq-data``), ``subs`` SUBs (connect, and retry every 10 ms until the PUB exists).
      SNDHWM = RCVHWM = 4: a slow sink loses messages (counted) instead of holding the camera back. Against the
      slow-joiner problem every sink PUSHes ``hello <index>`` on a side channel (the source's PULL ``zmq-hello``)
      when its first WARMUP message arrives; the warm-up lasts until every sink said hello. After ``END`` every
      sink says ``bye <index>``; the source repeats ``END`` every 10 ms (up to 1 s) until every sink said bye.

    Large messages go zero-copy: a sender owns a small ring of numpy buffers and reuses one only when pyzmq's
    MessageTracker says libzmq let go of it (a buffer must not change while it is queued). Below pyzmq's
    ``copy_threshold`` (64 KiB) pyzmq copies anyway, so one buffer does.

``shm``
    Hand-made shared memory, as camera publishers write it: ``multiprocessing.shared_memory.SharedMemory`` named
    ``sluice-peers-<name>-<stream>`` holding a 4 KiB control block (u64 words: [0] a publication counter, [16 + i]
    the state of reader i: 1 attached, 2 saw END) and one frame buffer of ``size`` bytes at offset 4096. The writer
    writes the frame (the last 8 bytes = ``seq``, then the payload, then the header with ``send_ns``) and then bumps
    the counter; readers poll the counter, copy the frame out with ``np.copy`` and read the header from the copy.
    No lock, no double buffering, no flow control: a reader copying while the writer overwrites gets a torn frame.
    It is detected (header ``seq`` != trailing ``seq``, or with touch=1 a payload that is not all one byte), counted
    as ``"torn"`` and still counted as received. The writer writes the trailing seq first and the header last, the
    reverse of the order ``np.copy`` reads, so any write overlapping a copy shows up as a mismatch.

    * latency: stream ``ping`` (ping -> pong) and stream ``pong`` (pong -> ping), one message in flight.
    * throughput: stream ``data``; the source never waits for the sink: what the sink saw is ``received``, the
      seqs it skipped are ``lost``.
    * fan-out: stream ``data``, ``subs`` readers poll the one region.

    Regions and the start order: receivers start first, so every process *creates or attaches* (O_EXCL create,
    else attach and retry until the creator has sized it). Readers mark themselves attached in the control block
    before READY; the sender waits for those marks. Every process unlinks the names it opened when it exits
    (success, error or SIGTERM/SIGINT/SIGHUP); mappings stay valid after an unlink, and nobody exits before every
    participant has attached, so the last one out leaves /dev/shm clean. Only a SIGKILL of every process leaks.
    The segments are unregistered from Python's resource_tracker right after create/attach, so the tracker never
    unlinks (or warns about) them behind our back.

Counting, as the Java harness (PeerHarness) does: a sink's ``lost`` adds the gaps in ``seq`` since the last message
it saw, warm-up included, up to END's seq; repeated ENDs carry the same seq. Results carry an extra ``checksum``
(what touch read) and, for shm receivers, ``torn``. A fan-out source keeps its schedule across the warm-up/measured
boundary and sends END in the slot after the last measured message.

Exit status 0 after ``RESULT {...}``, 3 after ``ERROR unsupported: ...``, 1 after any other ``ERROR ...``.
"""

import json
import math
import os
import signal
import struct
import sys
import time

import numpy as np

HEADER = struct.Struct("<QQQQ")  # seq, send_ns, flags, reserved
U64 = struct.Struct("<Q")
SEQ_SENT = struct.Struct("<QQ")
FLAGS = struct.Struct("<QQ")  # flags, reserved
HEADER_LEN = 32
END = 1
WARMUP = 2
CONNECT_S = 60.0  # how long a sender waits for its receivers to be there
ROUND_TRIP_S = 30.0  # how long one round trip may take once connected
POLL_S = 0.1  # a blocked receiver wakes this often to check its coordinator still runs
SLACK_S = 120.0  # a process gives up after warmup + duration + this (the coordinator kills at + 60 s)
SHM_CTRL = 4096
SHM_READERS = 16  # word index of reader 0's state in the control block
MASK64 = (1 << 64) - 1
MASK63 = (1 << 63) - 1

monotonic_ns = time.monotonic_ns


class Unsupported(Exception):
    pass


class Failure(Exception):
    pass


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------------- common


class Args:
    def __init__(self, argv):
        if len(argv) < 2:
            raise Failure("usage: harness.py <zmq|shm> <ping|pong|source|sink> key=value ...")
        self.transport, self.role = argv[0], argv[1]
        keys = {}
        for arg in argv[2:]:
            key, eq, value = arg.partition("=")
            if not eq:
                raise Failure("not key=value: " + arg)
            keys[key] = value

        def need(key):
            if key not in keys:
                raise Failure("missing key: " + key)
            return keys[key]

        self.workload = need("workload")
        if self.workload not in ("latency", "throughput", "fanout"):
            raise Failure("unknown workload: " + self.workload)
        if self.role not in ("ping", "pong", "source", "sink"):
            raise Failure("unknown role: " + self.role)
        self.name = need("name")
        self.dir = need("dir")
        self.size = int(need("size"))
        if self.size < 64:
            raise Failure("size must be 64 or more: size=%d" % self.size)
        self.touch = need("touch") == "1"
        self.warmup = float(need("warmup"))
        self.duration = float(need("duration"))
        self.rate = float(keys.get("rate", "0"))
        self.subs = int(keys.get("subs", "1"))
        self.index = int(keys.get("index", "0"))
        self.wait = keys.get("wait", "block")
        if self.wait not in ("block", "spin"):
            raise Failure("wait must be block or spin: wait=" + self.wait)
        self.spin = self.wait == "spin"
        if self.subs < 1 or not 0 <= self.index < self.subs:
            raise Failure("bad subs/index: subs=%d index=%d" % (self.subs, self.index))


class Watch:
    """What a waiting process checks now and then: its coordinator still runs, the run has not overrun."""

    def __init__(self, args):
        self.parent = os.getppid()
        self.deadline = time.monotonic() + args.warmup + args.duration + SLACK_S

    def check(self):
        if os.getppid() != self.parent:
            raise Failure("the coordinator exited: parent pid was %d" % self.parent)
        if time.monotonic() > self.deadline:
            raise Failure("the run overran warmup + duration + %d s" % SLACK_S)


class Latencies:
    """Nanosecond values in a preallocated int64 array (doubled when full); nearest-rank percentiles."""

    def __init__(self, capacity):
        self.values = np.empty(max(16, int(capacity)), dtype=np.int64)
        self.count = 0

    def add(self, nanos):
        if self.count == len(self.values):
            grown = np.empty(len(self.values) * 2, dtype=np.int64)
            grown[: self.count] = self.values
            self.values = grown
        self.values[self.count] = nanos
        self.count += 1

    def summary(self, keys=("p50", "p90", "p99", "p999")):
        n = self.count
        s = np.sort(self.values[:n])
        ps = {"p50": 50.0, "p90": 90.0, "p99": 99.0, "p999": 99.9}
        out = {}
        for key in keys:
            rank = math.ceil(ps[key] / 100.0 * n)
            out[key + "_ns"] = int(s[min(max(rank - 1, 0), n - 1)]) if n else 0
        out["max_ns"] = int(s[-1]) if n else 0
        out["mean_ns"] = round(float(s.mean()), 1) if n else 0.0
        return out


class Payload:
    """touch=1 on one message: the bytes [32, end) of it (end = size, or size - 8 for shm's trailing seq)."""

    def __init__(self, size, end):
        self.lo = HEADER_LEN
        self.hi = end
        words = (end - HEADER_LEN) // 8
        self.mid = HEADER_LEN + words * 8
        rest = end - self.mid
        one = 0x0101010101010101
        # what sum() gives for a payload filled with byte b: a torn (mixed) shm frame gives something else
        self.expected = [(words * b * one + rest * b) & MASK64 for b in range(256)]

    def sum(self, message):
        """Reads every payload byte, eight at a time as u64 (wrapping), the odd tail bytewise."""
        s = int(message[self.lo : self.mid].view(np.uint64).sum())
        if self.mid < self.hi:
            s += int(message[self.mid : self.hi].sum())
        return s & MASK64


def await_due(due_ns, spin):
    """Waits until monotonic time ``due_ns``: sleeps, or busy-polls with wait=spin."""
    if spin:
        while monotonic_ns() < due_ns:
            pass
        return
    while True:
        left = due_ns - monotonic_ns()
        if left <= 0:
            return
        time.sleep(left / 1e9)


def rate_period_ns(args):
    if not args.rate > 0:
        raise Failure("fanout needs rate > 0: rate=%r" % args.rate)
    return 1e9 / args.rate


# ----------------------------------------------------------------------------------------------- roles
#
# A transport gives the roles three things:
#   sender:   send(seq, flags)              writes message seq (payload when touching, then the header), hands it over
#   receiver: recv(deadline_ns) -> message  a numpy uint8 array of the message, or None when deadline_ns passed
#             (deadline_ns 0: no deadline); shm also sets receiver.torn_last (the last message was torn)
#   helpers:  hello(kind) / hellos(kind) -> set of sink indices (fan-out side channel), connect(), close()


def ping(args, t):
    out, inp = t.sender("ping"), t.receiver("pong")
    payload = t.payload
    touch = args.touch
    checksum = 0
    unpack = HEADER.unpack_from

    def round_trip(seq, flags, timeout_s):
        nonlocal checksum
        out.send(seq, flags)
        deadline = monotonic_ns() + int(timeout_s * 1e9)
        while True:
            m = inp.recv(deadline)
            if m is None:
                return False
            if unpack(m)[0] == seq:  # an answer to an older ping is skipped
                if touch:
                    checksum += payload.sum(m)
                return True

    t.connect_ping()
    seq = 0
    if not round_trip(seq, WARMUP, CONNECT_S):
        raise Failure("no answer from the pong within %d s" % CONNECT_S)
    seq += 1
    warmup_end = monotonic_ns() + int(args.warmup * 1e9)
    while monotonic_ns() < warmup_end:
        if not round_trip(seq, WARMUP, ROUND_TRIP_S):
            raise Failure("no answer to ping %d within %d s" % (seq, ROUND_TRIP_S))
        seq += 1
    values = Latencies(min(50_000_000, args.duration * 1e6))
    add = values.add
    start = monotonic_ns()
    end = start + int(args.duration * 1e9)
    now = start
    while now < end:
        if not round_trip(seq, 0, ROUND_TRIP_S):
            raise Failure("no answer to ping %d within %d s" % (seq, ROUND_TRIP_S))
        seq += 1
        after = monotonic_ns()
        add((after - now) // 2)
        now = after
    seconds = (now - start) / 1e9
    out.send(seq, END)
    t.finish_sender()
    result = {"count": values.count}
    result.update(values.summary())
    result["roundtrips_per_s"] = round(values.count / seconds, 1) if seconds > 0 else 0.0
    result["checksum"] = checksum & MASK63
    return result


def pong(args, t):
    inp, out = t.receiver("ping"), t.sender("pong")
    t.ready()
    payload = t.payload
    touch = args.touch
    shm = t.kind == "shm"
    unpack = HEADER.unpack_from
    answered = 0
    checksum = 0
    torn = 0
    tail_at = args.size - 8
    while True:
        m = inp.recv(0)
        seq, _, flags, _ = unpack(m)
        if flags & END:
            break
        if touch:
            s = payload.sum(m)
            checksum += s
            if shm and s != payload.expected[seq & 255]:
                torn += 1
            elif shm and U64.unpack_from(m, tail_at)[0] != seq:
                torn += 1
        elif shm and U64.unpack_from(m, tail_at)[0] != seq:
            torn += 1
        if touch or shm:
            out.send(seq, flags)  # writes the whole reply with touch=1, the header (and trailing seq) without
        else:
            out.echo(inp.frame)  # zmq touch=0: the received frame goes back as it is
        if not flags & WARMUP:
            answered += 1
    result = {"count": answered, "checksum": checksum & MASK63}
    if shm:
        result["torn"] = torn
    return result


def source(args, t):
    out = t.sender("data")
    t.connect_source()
    send = out.send
    seq = 0
    warmup_end = monotonic_ns() + int(args.warmup * 1e9)
    while True:
        for _ in range(64 if args.size < 4096 else 1):
            send(seq, WARMUP)
            seq += 1
        if monotonic_ns() >= warmup_end:
            break
        t.watch_tick()
    first = seq
    start = monotonic_ns()
    end = start + int(args.duration * 1e9)
    now = start
    # send() reads the clock for send_ns anyway; one more read per message is what the window costs
    while now < end:
        send(seq, 0)
        seq += 1
        now = monotonic_ns()
    sent = seq - first
    seconds = (now - start) / 1e9
    t.send_end(out, seq)
    t.finish_sender()
    return {"sent": sent, "seconds": round(seconds, 6)}


def fanout_source(args, t):
    period = rate_period_ns(args)
    out = t.sender("data")
    send = out.send
    spin = args.spin
    t.connect_source()
    seq = 0
    k = 0
    start = monotonic_ns()
    warmup_end = start + int(args.warmup * 1e9)
    connect_deadline = start + int(CONNECT_S * 1e9)
    heard = set()
    while True:  # warm-up on the schedule, until it has run and every sink said hello
        await_due(start + int(k * period), spin)
        k += 1
        send(seq, WARMUP)
        seq += 1
        now = monotonic_ns()
        if len(heard) < args.subs:
            heard |= t.hellos("hello")
        if now >= warmup_end and len(heard) >= args.subs:
            break
        if now > connect_deadline:
            raise Failure("sinks %s did not say hello within %d s"
                          % (sorted(set(range(args.subs)) - heard), CONNECT_S))
        t.watch_tick()
    first = seq
    # the measured window: message k due at base + k * period; a message sent more than a period after it was
    # due is late, and the schedule restarts one period after it (no burst to catch up)
    base = max(start + int(k * period), monotonic_ns())  # the schedule goes on: one period after the warm-up
    end = base + int(args.duration * 1e9)
    late = 0
    k = 0
    while True:
        due = base + int(k * period)
        if due >= end:
            break
        await_due(due, spin)
        now = monotonic_ns()
        send(seq, 0)
        seq += 1
        k += 1
        if now - due > period:
            late += 1
            base = now + int(period) - int(k * period)
    sent = seq - first
    # END in the next slot, like a next frame: sent at once it would overwrite the last measured frame in shm
    # before a reader could copy it
    await_due(due, spin)
    t.send_end(out, seq)
    t.finish_sender()
    return {"sent": sent, "late": late}


def sink(args, t):
    fanout = args.workload == "fanout"
    inp = t.receiver("data")
    t.ready()
    payload = t.payload
    touch = args.touch
    shm = t.kind == "shm"
    unpack = HEADER.unpack_from
    u64 = U64.unpack_from
    tail_at = args.size - 8
    expected = payload.expected
    recv = inp.recv
    values = Latencies(args.rate * args.duration * 1.25 + 64 if fanout else 16)
    add = values.add
    # a sink that missed every END (a lossy transport) ends after this long without a message
    idle_ns = int(max(5.0, 50.0 / args.rate if fanout and args.rate > 0 else 0.0) * 1e9)
    warmups = 0
    received = 0
    lost = 0
    torn = 0
    last_seq = -1
    first_ns = last_ns = 0
    cpu_start = cpu_end = 0.0
    checksum = 0
    ended = False
    while True:
        m = recv(monotonic_ns() + idle_ns if received else 0)
        if m is None:
            log("sink %d: no message for %.1f s after %d measured ones: taking it as END"
                % (args.index, idle_ns / 1e9, received))
            cpu_end = time.process_time()
            break
        seq, sent, flags, _ = unpack(m)
        if flags & END:
            if received > 0 and seq > last_seq + 1:
                lost += seq - last_seq - 1
            cpu_end = time.process_time()
            ended = True
            break
        if flags & WARMUP:
            if seq > last_seq:
                last_seq = seq
            warmups += 1
            if warmups == 1:
                t.hello("hello")
            continue
        if touch:
            s = payload.sum(m)
            checksum += s
        now = monotonic_ns()
        if shm:
            if u64(m, tail_at)[0] != seq or (touch and s != expected[seq & 255]):
                torn += 1
        if seq <= last_seq and received:
            continue  # shm: a torn copy may repeat a seq already counted
        if received == 0:
            first_ns = now
            cpu_start = time.process_time()
        # gaps since the last message seen, warm-up included (as the Java harness counts): a measured message
        # dropped before the first one that arrived is lost too
        if last_seq >= 0 and seq > last_seq + 1:
            lost += seq - last_seq - 1
        last_seq = seq
        received += 1
        last_ns = now
        if fanout:
            add(now - sent)
    if ended:
        t.hello("bye")
    seconds = round((last_ns - first_ns) / 1e9, 6)
    if fanout:
        result = {"received": received, "lost": lost}
        result.update(values.summary(("p50", "p99")))
        del result["mean_ns"]
        result["cpu_s"] = round(cpu_end - cpu_start if received else 0.0, 6)
        result["seconds"] = seconds
    else:
        result = {"received": received, "lost": lost, "bytes": received * args.size, "seconds": seconds}
    if shm:
        result["torn"] = torn
    result["checksum"] = checksum & MASK63
    return result


# ------------------------------------------------------------------------------------------------- zmq


class ZmqTransport:
    kind = "zmq"

    def __init__(self, args, watch):
        import zmq

        self.zmq = zmq
        self.args = args
        self.watch = watch
        self.payload = Payload(args.size, args.size)
        self.ctx = zmq.Context()
        self.sockets = []
        self.bound = []  # ipc files we bound: removed on close
        self.hello_in = None
        self.hello_out = None
        self.data_socket = None
        self.ticks = 0
        if args.workload == "fanout":
            self.hwm = 4
        elif args.workload == "throughput":
            self.hwm = 1000 if args.size <= 4096 else 16 if args.size <= 16 << 20 else 8
        else:
            self.hwm = 4
        self.prefix = "ipc://" + os.path.join(args.dir, "zmq-")
        if len(os.path.join(args.dir, "zmq-hello").encode()) > 100:  # sun_path: 107 bytes; work inside dir
            os.chdir(args.dir)
            self.prefix = "ipc://zmq-"

    def endpoint(self, stream):
        return self.prefix + stream

    def bind(self, s, stream):
        endpoint = self.endpoint(stream)
        s.bind(endpoint)
        self.bound.append(os.path.abspath(endpoint[len("ipc://"):]))

    def socket(self, kind, hwm=None):
        zmq = self.zmq
        s = self.ctx.socket(kind)
        # LINGER must not be 0 on a receiver either: libzmq then drops what is still queued for the application
        # when the peer disconnects (a source that exits right after END would lose the sink its tail and END)
        s.setsockopt(zmq.LINGER, 1000)
        if hwm is not None:
            s.setsockopt(zmq.SNDHWM, hwm)
            s.setsockopt(zmq.RCVHWM, hwm)
        s.setsockopt(zmq.RECONNECT_IVL, 10)
        self.sockets.append(s)
        return s

    # the one data socket of this process (latency: the PAIR both ways)
    def data(self):
        if self.data_socket is not None:
            return self.data_socket
        zmq = self.zmq
        a = self.args
        if a.workload == "latency":
            s = self.socket(zmq.PAIR, self.hwm)
            if a.role == "pong":
                self.bind(s, "lat")
            else:
                s.connect(self.endpoint("lat"))
        else:
            if a.role == "sink":
                if a.workload == "throughput":
                    s = self.socket(zmq.PULL, self.hwm)
                    self.bind(s, "data")
                else:
                    s = self.socket(zmq.SUB, self.hwm)
                    s.setsockopt(zmq.SUBSCRIBE, b"")
                    s.connect(self.endpoint("data"))
                self.hello_out = self.socket(zmq.PUSH)
                self.hello_out.connect(self.endpoint("hello"))
            else:
                if a.workload == "throughput":
                    s = self.socket(zmq.PUSH, self.hwm)
                    s.connect(self.endpoint("data"))
                else:
                    s = self.socket(zmq.PUB, self.hwm)
                    self.bind(s, "data")
                self.hello_in = self.socket(zmq.PULL)
                self.bind(self.hello_in, "hello")
        s.setsockopt(zmq.RCVTIMEO, int(POLL_S * 1000))
        s.setsockopt(zmq.SNDTIMEO, int(POLL_S * 1000))
        self.data_socket = s
        return s

    def sender(self, stream):
        return ZmqSender(self, self.data())

    def receiver(self, stream):
        return ZmqReceiver(self, self.data())

    def ready(self):
        print("READY", flush=True)

    def connect_ping(self):
        pass  # the PAIR queues until it is connected; the first round trip waits up to CONNECT_S

    def connect_source(self):
        pass  # PUSH queues until connected; PUB: the fan-out warm-up waits for every hello

    def watch_tick(self):
        self.ticks += 1
        if not self.ticks & 63:
            self.watch.check()

    def hello(self, kind):
        if self.hello_out is not None:
            self.hello_out.send(b"%s %d" % (kind.encode(), self.args.index))

    def hellos(self, kind):
        """The sinks that said ``kind`` since the last call (fan-out source)."""
        heard = set()
        if self.hello_in is None:
            return heard
        zmq = self.zmq
        while True:
            try:
                said, index = self.hello_in.recv(zmq.NOBLOCK).split()
            except zmq.Again:
                return heard
            if said.decode() == kind:
                heard.add(int(index))

    def send_end(self, out, seq):
        """END, then the source stays connected until every sink said bye.

        libzmq 4.3 drops what a receiver has not read yet from the kernel when the sender disconnects while the
        receiver's queue is at its high-water mark (input stopped, then EPOLLHUP): a source that closed right after
        END would lose a slow sink the tail of the run and END itself. So every sink PUSHes ``bye <index>`` on the
        side channel once it has END, and the source waits for it.
        """
        a = self.args
        byes = set()
        if a.workload != "fanout":
            out.send(seq, END)  # PUSH is reliable: one END arrives
            give_up = monotonic_ns() + int(ROUND_TRIP_S * 1e9)
        else:
            # PUB may drop: END every 10 ms until every sink said bye, for up to 1 s
            give_up = monotonic_ns() + 1_000_000_000
            while len(byes) < a.subs and monotonic_ns() < give_up:
                out.send(seq, END)  # the same seq each time: a sink's lost count ends at END's seq
                time.sleep(0.01)
                byes |= self.hellos("bye")
            give_up = monotonic_ns() + 10_000_000_000  # then up to 10 s more for a sink still draining its queue
        while len(byes) < a.subs and monotonic_ns() < give_up:
            time.sleep(0.01)
            byes |= self.hellos("bye")
            self.watch.check()
        if len(byes) < a.subs:
            log("source: no bye from sinks %s" % sorted(set(range(a.subs)) - byes))

    def finish_sender(self):
        # let the last messages (END) leave before the context goes: linger up to 5 s on the data socket
        if self.data_socket is not None:
            self.data_socket.setsockopt(self.zmq.LINGER, 5000)
            self.data_socket.close()
            self.data_socket = None

    def close(self):
        for s in self.sockets:
            if not s.closed:
                s.close()
        self.ctx.term()
        for path in self.bound:  # libzmq 4.3 leaves the ipc file of a bound socket behind
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass


class ZmqSender:
    def __init__(self, t, sock):
        self.t = t
        self.sock = sock
        a = t.args
        self.size = a.size
        self.touch = a.touch
        # pyzmq copies frames below copy_threshold even with copy=False: one buffer is enough there; above it
        # the frame is zero-copy and a buffer may be reused only once libzmq has released it (MessageTracker)
        self.track = a.size >= sock.copy_threshold
        # how many buffers libzmq can hold at once: latency one in flight; PUSH blocks at its HWM; PUB keeps up to
        # HWM queued + one being written per sink (different ones per sink when they lag differently)
        if a.workload == "fanout":
            self.cap = a.subs * (t.hwm + 1) + 2
        else:
            self.cap = t.hwm + 2 if a.workload == "throughput" else 2
        self.buffers = []
        self.payloads = []
        self.trackers = []
        self._grow()
        self.next = 0

    def _grow(self):
        buf = np.zeros(self.size, dtype=np.uint8)
        self.buffers.append(buf)
        self.payloads.append(buf[HEADER_LEN:])
        self.trackers.append(None)
        return len(self.buffers) - 1

    def _take(self):
        """A buffer libzmq does not hold: the next in the ring, a new one while under the cap, else wait."""
        i = self.next
        tracker = self.trackers[i]
        if tracker is not None and not tracker.done:
            if len(self.buffers) < self.cap:
                i = self._grow()
            else:
                zmq = self.t.zmq
                while True:
                    try:
                        tracker.wait(POLL_S)
                        break
                    except zmq.NotDone:
                        self.t.watch.check()
        self.trackers[i] = None
        self.next = (i + 1) % len(self.buffers)
        return i

    def send(self, seq, flags):
        i = self._take() if self.track else 0
        buf = self.buffers[i]
        if self.touch and not flags & END:
            self.payloads[i].fill(seq & 0xFF)
        HEADER.pack_into(buf, 0, seq, monotonic_ns(), flags, 0)
        sock = self.sock
        while True:
            try:
                tracker = sock.send(buf, copy=False, track=self.track)
                break
            except self.t.zmq.Again:  # SNDTIMEO: PUSH/PAIR at its high-water mark; check, then wait on
                self.t.watch.check()
        if self.track:
            self.trackers[i] = tracker

    def echo(self, frame):
        """Sends a received frame back as it is (zmq pong, touch=0): zero-copy, libzmq shares the message."""
        while True:
            try:
                self.sock.send(frame, copy=False)
                return
            except self.t.zmq.Again:
                self.t.watch.check()


class ZmqReceiver:
    def __init__(self, t, sock):
        self.t = t
        self.sock = sock
        self.spin = t.args.spin
        self.frame = None

    def recv(self, deadline_ns):
        """The next message as a numpy view of the frame, or None once ``deadline_ns`` (0: none) passed."""
        zmq = self.t.zmq
        sock = self.sock
        if self.spin:
            n = 0
            while True:
                try:
                    frame = sock.recv(zmq.NOBLOCK, copy=False)
                    break
                except zmq.Again:
                    n += 1
                    if not n & 0x3FFF:
                        if deadline_ns and monotonic_ns() > deadline_ns:
                            return None
                        self.t.watch.check()
        else:
            while True:
                try:
                    frame = sock.recv(copy=False)  # blocks up to RCVTIMEO (POLL_S) in libzmq's poll
                    break
                except zmq.Again:
                    if deadline_ns and monotonic_ns() > deadline_ns:
                        return None
                    self.t.watch.check()
        self.frame = frame
        return np.frombuffer(frame, dtype=np.uint8)


# ------------------------------------------------------------------------------------------------- shm


class ShmRegion:
    """Create-or-attach a ``SharedMemory`` of a 4 KiB control block + one frame of ``size`` bytes."""

    def __init__(self, t, stream):
        from multiprocessing import resource_tracker, shared_memory

        a = t.args
        self.name = "sluice-peers-%s-%s" % (a.name, stream)
        total = SHM_CTRL + a.size
        free = os.statvfs("/dev/shm")
        if free.f_bavail * free.f_frsize < total:
            raise Failure("/dev/shm has less than %d bytes free for %s" % (total, self.name))
        deadline = time.monotonic() + CONNECT_S
        shm = None
        while shm is None:
            try:
                shm = shared_memory.SharedMemory(self.name, create=True, size=total)
                self.created = True
            except FileExistsError:
                try:
                    shm = shared_memory.SharedMemory(self.name)
                    self.created = False
                except (FileNotFoundError, ValueError):  # gone again, or not sized yet by its creator
                    shm = None
                if shm is not None and shm.size < total:
                    resource_tracker.unregister(shm._name, "shared_memory")
                    shm.close()
                    shm = None
                if shm is None:
                    if time.monotonic() > deadline:
                        raise Failure("%s exists but never got its %d bytes" % (self.name, total))
                    time.sleep(0.001)
        # Python 3.11 registers every SharedMemory, created or attached, with its resource_tracker, which would
        # unlink it when this process exits (and warn); we unlink ourselves, so the tracker is told to forget it
        resource_tracker.unregister(shm._name, "shared_memory")
        self.shm = shm
        t.regions.append(self)
        self.ctrl = shm.buf[:SHM_CTRL].cast("Q")  # plain aligned u64 loads and stores
        self.frame = np.ndarray((a.size,), dtype=np.uint8, buffer=shm.buf, offset=SHM_CTRL)

    def unlink(self):
        import _posixshmem

        try:
            _posixshmem.shm_unlink(self.shm._name)
        except FileNotFoundError:
            pass

    def close(self):
        self.frame = None
        try:
            self.ctrl.release()
            self.shm.close()
        except BufferError:
            pass  # a numpy view still alive in a traceback: the mapping goes with the process


class ShmTransport:
    kind = "shm"

    def __init__(self, args, watch):
        self.args = args
        self.watch = watch
        self.payload = Payload(args.size, args.size - 8)
        self.regions = []
        self.streams = {}
        self.ticks = 0

    def region(self, stream):
        if stream not in self.streams:
            self.streams[stream] = ShmRegion(self, stream)
        return self.streams[stream]

    def sender(self, stream):
        return ShmWriter(self, self.region(stream))

    def receiver(self, stream):
        r = self.region(stream)
        if self.args.role == "pong":
            self.region("pong")  # the pong also opens its answer region before READY
        r.ctrl[SHM_READERS + self.args.index] = 1  # attached: the writer waits for this
        self.reader_region = r
        return ShmReader(self, r)

    def ready(self):
        print("READY", flush=True)

    def _await_readers(self, region, count):
        deadline = time.monotonic() + CONNECT_S
        ctrl = region.ctrl
        while not all(ctrl[SHM_READERS + i] >= 1 for i in range(count)):
            if time.monotonic() > deadline:
                raise Failure("readers of %s did not attach within %d s" % (region.name, CONNECT_S))
            self.watch.check()
            time.sleep(0.001)

    def connect_ping(self):
        self._await_readers(self.region("ping"), 1)

    def connect_source(self):
        self._await_readers(self.region("data"), self.args.subs)

    def watch_tick(self):
        self.ticks += 1
        if not self.ticks & 63:
            self.watch.check()

    def hello(self, kind):
        if kind == "bye":
            self.reader_region.ctrl[SHM_READERS + self.args.index] = 2

    def hellos(self, kind):
        r = self.region("data")
        want = 1 if kind == "hello" else 2
        return {i for i in range(self.args.subs) if r.ctrl[SHM_READERS + i] >= want}

    def send_end(self, out, seq):
        # END stays in the frame until the writer writes again; repeated every 10 ms (up to 1 s) until every
        # reader marked that it saw END
        give_up = monotonic_ns() + 1_000_000_000
        while True:
            out.send(seq, END)  # the same seq each time: a sink's lost count ends at END's seq
            if len(self.hellos("bye")) >= self.args.subs or monotonic_ns() > give_up:
                break
            time.sleep(0.01)

    def finish_sender(self):
        pass

    def close(self):
        for r in self.regions:
            r.unlink()
        for r in self.regions:
            r.close()
        self.regions = []


class ShmWriter:
    def __init__(self, t, region):
        self.touch = t.args.touch
        size = t.args.size
        self.body = region.frame[HEADER_LEN : size - 8]
        self.mem = region.shm.buf  # the mapping, bytes
        self.tail = SHM_CTRL + size - 8
        self.ctrl = region.ctrl
        self.counter = region.ctrl[0]

    def send(self, seq, flags):
        # Slice assignments of packed bytes, not struct.pack_into: pack_into zero-fills its target first, and a
        # reader copying just then would see a header of zeros (a "measured" message with seq 0 and no send_ns).
        mem = self.mem
        tail = self.tail
        mem[tail : tail + 8] = U64.pack(seq)  # trailing seq first ...
        if self.touch and not flags & END:
            self.body.fill(seq & 0xFF)
        mem[SHM_CTRL + 16 : SHM_CTRL + 32] = FLAGS.pack(flags, 0)  # ... the header last: flags, then seq and
        mem[SHM_CTRL : SHM_CTRL + 16] = SEQ_SENT.pack(seq, monotonic_ns())  # send_ns (a copy reads them after)
        self.counter += 1
        self.ctrl[0] = self.counter  # publish: readers poll this word (x86-64 keeps these stores in order)


class ShmReader:
    def __init__(self, t, region):
        self.t = t
        self.spin = t.args.spin
        self.ctrl = region.ctrl
        self.frame = region.frame
        self.last = region.ctrl[0]

    def recv(self, deadline_ns):
        """Waits for the counter to move, then copies the frame out (np.copy); None once ``deadline_ns`` passed."""
        ctrl = self.ctrl
        last = self.last
        c = ctrl[0]
        if c == last:
            n = 0
            if self.spin:
                while c == last:
                    n += 1
                    if not n & 0xFFFF:
                        if deadline_ns and monotonic_ns() > deadline_ns:
                            return None
                        self.t.watch.check()
                    c = ctrl[0]
            else:
                sleep = time.sleep
                while c == last:
                    # plain shared memory has no wake-up primitive (no futex, no condition): a blocking reader
                    # can only poll, here every 100 us
                    sleep(0.0001)
                    n += 1
                    if not n & 0x3FF:
                        if deadline_ns and monotonic_ns() > deadline_ns:
                            return None
                        self.t.watch.check()
                    c = ctrl[0]
        self.last = c
        return np.copy(self.frame)  # what users do: the writer overwrites the shared frame at any time


# ------------------------------------------------------------------------------------------------- main


def run(args, watch, holder):
    if args.transport == "zmq":
        t = ZmqTransport(args, watch)
    elif args.transport == "shm":
        t = ShmTransport(args, watch)
    else:
        raise Failure("unknown transport: %s (zmq or shm)" % args.transport)
    holder.append(t)
    if args.role == "ping":
        if args.workload != "latency":
            raise Failure("ping is a latency role")
        return ping(args, t)
    if args.role == "pong":
        if args.workload != "latency":
            raise Failure("pong is a latency role")
        return pong(args, t)
    if args.workload == "latency":
        raise Failure("latency has roles ping and pong")
    if args.role == "source":
        return fanout_source(args, t) if args.workload == "fanout" else source(args, t)
    return sink(args, t)


def on_signal(signum, frame):
    raise Failure("terminated by signal %d" % signum)


def main(argv):
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)
    holder = []
    status = 0
    line = None
    try:
        args = Args(argv)
        watch = Watch(args)
        result = run(args, watch, holder)
        line = "RESULT " + json.dumps(result)
    except Unsupported as e:
        line = "ERROR unsupported: " + " ".join(str(e).split())
        status = 3
    except BaseException as e:  # noqa: B902 - one ERROR line whatever went wrong
        if not isinstance(e, Failure):
            import traceback

            traceback.print_exc()
        line = "ERROR " + " ".join(("%s: %s" % (type(e).__name__, e)).split())
        status = 1
    finally:
        for t in holder:
            try:
                t.close()
            except BaseException as e:  # noqa: B902
                log("cleanup: %s: %s" % (type(e).__name__, e))
    print(line, flush=True)
    sys.stderr.flush()
    os._exit(status)  # no interpreter teardown: nothing left to release, and no late __del__ noise


if __name__ == "__main__":
    main(sys.argv[1:])
