package com.example.probe;

import com.example.msg.clash_msgs.User;
import com.example.msg.test_msgs.Inner;
import com.example.msg.test_msgs.Keywords;
import com.example.msg.test_msgs.Kinds;
import com.example.msg.test_msgs.Nothing;
import com.example.msg.test_msgs.Scalars;
import io.sluice.msg.CdrReader;
import io.sluice.msg.CdrTree;
import io.sluice.msg.CdrType;
import io.sluice.msg.MalformedMessageException;
import io.sluice.msg.geometry_msgs.Point;
import io.sluice.msg.std_msgs.Empty;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static com.example.probe.Check.equal;
import static com.example.probe.Check.fails;
import static com.example.probe.Check.yes;

/**
 * Uses the classes generated from {@code src/test/resources/msg}; each public method is one test, run by
 * {@code GeneratedCodeTest}. Messages are loaned as a publisher would: {@code TYPE.withCapacity(n)}.
 */
public final class KindsProbe {
    private KindsProbe() {
    }

    static MemorySegment loan(CdrType<?> type, int capacity) {
        MemorySegment message = MemorySegment.ofArray(new byte[capacity]);
        message.fill((byte) 0x5a); // a reused slot holds old bytes
        type.withCapacity(capacity).initialize(message);
        return message;
    }

    static CdrTree read(CdrType<?> type, MemorySegment message) {
        return CdrReader.read(type.msgSchema(), message.asSlice(0, type.encodedSize(message)), Integer.MAX_VALUE);
    }

    public static void defaultsAndConstants() {
        Scalars s = Scalars.TYPE.wrap(loan(Scalars.TYPE, 256));
        equal(true, s.flag(), "flag");
        equal((short) -1600, s.medium(), "medium");
        equal((byte) -8, s.tiny(), "tiny");
        equal(-6_400_000_000L, s.huge(), "huge");
        equal((byte) 200, s.octet(), "octet");
        equal(1.5f, s.single(), "single");
        equal((byte) 65, s.letter(), "letter");
        equal(-0.125, s.precise(), "precise");
        equal((byte) 250, s.small(), "small");
        equal((short) 60000, s.umedium(), "umedium");
        equal((int) 4_000_000_000L, s.ularge(), "ularge");
        equal(-320_000, s.large(), "large");
        equal(-1L, s.uhuge(), "uhuge");
        equal("hi # there", s.text(), "text");
        equal(false, s.off(), "off");

        MemorySegment message = loan(Kinds.TYPE, 1024);
        Kinds k = Kinds.TYPE.wrap(message);
        new KindsModel().check(k);
        new KindsModel().check(read(Kinds.TYPE, message));
        equal(Kinds.TYPE.defaultSize(), Kinds.end$(message, message.byteSize(), 4), "end$ of the default message");

        equal((byte) 7, Kinds.FLAG, "FLAG");
        equal((byte) -3, Kinds.NEGATIVE, "NEGATIVE");
        equal(Short.MIN_VALUE, Kinds.SHORT_MIN, "SHORT_MIN");
        equal((short) -1, Kinds.PORT, "PORT");
        equal(42, Kinds.ANSWER, "ANSWER");
        equal(-1, Kinds.BIG, "BIG");
        equal(Long.MIN_VALUE, Kinds.LONG_MIN, "LONG_MIN");
        equal(-1L, Kinds.ULONG_MAX, "ULONG_MAX");
        equal(0.5f, Kinds.HALF, "HALF");
        equal(6.283185307179586, Kinds.TAU, "TAU");
        equal(true, Kinds.YES, "YES");
        equal("a # b", Kinds.GREETING, "GREETING");
        equal((byte) -1, Kinds.OCTET, "OCTET");
        equal((byte) 65, Kinds.LETTER, "LETTER");
        equal((byte) 1, Kinds.TYPE_, "TYPE_");
        equal((byte) 2, Kinds.NAME_, "NAME_");
        equal("test_msgs/msg/Kinds", Kinds.NAME, "NAME");
        equal(3, Kinds.TRIPLE_LENGTH, "TRIPLE_LENGTH");
        equal(2, Kinds.BITS_LENGTH, "BITS_LENGTH");
    }

    public static void everyScalarRoundTrips() {
        MemorySegment message = loan(Scalars.TYPE, 256);
        Scalars s = Scalars.TYPE.wrap(message);
        s.off(true).text("ünïcode ✓").uhuge(Long.MIN_VALUE).large(Integer.MIN_VALUE).ularge(-2).umedium((short) -2)
            .small((byte) -1).precise(Double.MAX_VALUE).letter((byte) 'z').single(Float.MIN_VALUE).octet((byte) 0x80)
            .huge(Long.MAX_VALUE).tiny(Byte.MIN_VALUE).medium(Short.MAX_VALUE).flag(false);
        equal(true, s.off(), "off");
        equal("ünïcode ✓", s.text(), "text");
        equal(Long.MIN_VALUE, s.uhuge(), "uhuge");
        equal(Integer.MIN_VALUE, s.large(), "large");
        equal(-2, s.ularge(), "ularge");
        equal((short) -2, s.umedium(), "umedium");
        equal((byte) -1, s.small(), "small");
        equal(Double.MAX_VALUE, s.precise(), "precise");
        equal((byte) 'z', s.letter(), "letter");
        equal(Float.MIN_VALUE, s.single(), "single");
        equal((byte) 0x80, s.octet(), "octet");
        equal(Long.MAX_VALUE, s.huge(), "huge");
        equal(Byte.MIN_VALUE, s.tiny(), "tiny");
        equal(Short.MAX_VALUE, s.medium(), "medium");
        equal(false, s.flag(), "flag");

        CdrTree tree = read(Scalars.TYPE, message);
        equal(true, tree.get("off"), "tree off");
        equal("ünïcode ✓", tree.get("text"), "tree text");
        equal(new BigInteger("9223372036854775808"), tree.get("uhuge"), "tree uhuge");
        equal((long) Integer.MIN_VALUE, tree.get("large"), "tree large");
        equal(4_294_967_294L, tree.get("ularge"), "tree ularge");
        equal(65_534L, tree.get("umedium"), "tree umedium");
        equal(255L, tree.get("small"), "tree small");
        equal(Double.MAX_VALUE, tree.get("precise"), "tree precise");
        equal((long) 'z', tree.get("letter"), "tree letter");
        equal((double) Float.MIN_VALUE, tree.get("single"), "tree single");
        equal(128L, tree.get("octet"), "tree octet");
        equal(Long.MAX_VALUE, tree.get("huge"), "tree huge");
        equal((long) Byte.MIN_VALUE, tree.get("tiny"), "tree tiny");
        equal((long) Short.MAX_VALUE, tree.get("medium"), "tree medium");
        equal(false, tree.get("flag"), "tree flag");

        // the layout a CDR writer gives: each value aligned to its size, counted from byte 4
        ByteOrderCheck.at(message, 4 + 8, Long.MAX_VALUE, "huge at body offset 8");
    }

    public static void everyKindRoundTripsWhenWrittenInDefinitionOrder() {
        MemorySegment message = loan(Kinds.TYPE, 4096);
        Kinds k = Kinds.TYPE.wrap(message);
        KindsModel model = full();
        model.write(k);
        model.check(k);
        model.check(read(Kinds.TYPE, message));
        equal(Kinds.TYPE.encodedSize(message), Kinds.end$(message, message.byteSize(), 4),
            "end$ against the runtime's walker");
        equal(Kinds.TYPE.encodedSize(message), k.cdrEnd(), "cdrEnd");
    }

    /** Changes strings and sequences in the middle of the message at random; everything after them must hold. */
    public static void resizingInTheMiddleKeepsEverythingAfterIt() {
        Random random = new Random(20_241_121L);
        MemorySegment message = loan(Kinds.TYPE, 8192);
        Kinds k = Kinds.TYPE.wrap(message);
        KindsModel model = full();
        model.write(k);
        for (int step = 0; step < 400; step++) {
            String op = mutate(random, k, model);
            try {
                model.check(k);
                equal(Kinds.TYPE.encodedSize(message), Kinds.end$(message, message.byteSize(), 4), "end$");
            } catch (AssertionError e) {
                throw new AssertionError("after step " + step + " (" + op + "): " + e.getMessage(), e);
            }
        }
        model.check(read(Kinds.TYPE, message));

        // the bytes are those of a writer that wrote the final values from scratch, in order
        MemorySegment fresh = loan(Kinds.TYPE, 8192);
        model.write(Kinds.TYPE.wrap(fresh));
        long size = Kinds.TYPE.encodedSize(message);
        equal(Kinds.TYPE.encodedSize(fresh), size, "size against a message written in order");
        equal(-1L, message.asSlice(0, size).mismatch(fresh.asSlice(0, size)), "first differing byte");
    }

    public static void boundsAndIndicesAreRefused() {
        MemorySegment message = loan(Kinds.TYPE, 1024);
        Kinds k = Kinds.TYPE.wrap(message);
        k.tail(99);
        IllegalArgumentException tooLong = fails(IllegalArgumentException.class, () -> k.shortLabel("123456789"),
            "short_label of 9 bytes");
        yes(tooLong.getMessage().contains("test_msgs/msg/Kinds.short_label") && tooLong.getMessage().contains("8")
            && tooLong.getMessage().contains("length=9"),
            "message names field, bound and length: " + tooLong.getMessage());
        k.shortLabel("12345678");
        fails(IllegalArgumentException.class, () -> k.shortLabel("1234567é"), "9 bytes of UTF-8 in 8 characters");
        fails(IllegalArgumentException.class, () -> k.boundedIntsCount(5), "bounded_ints above 4");
        fails(IllegalArgumentException.class, () -> k.fewInnersCount(3), "few_inners above 2");
        fails(IllegalArgumentException.class, () -> k.tagsCount(4), "tags above 3");
        k.tagsCount(1);
        fails(IllegalArgumentException.class, () -> k.tags(0, "abcde"), "tag above 4 bytes");
        fails(IllegalArgumentException.class, () -> k.bytesCount(-1), "negative count");
        fails(IndexOutOfBoundsException.class, () -> k.triple(3), "triple(3)");
        fails(IndexOutOfBoundsException.class, () -> k.triple(-1, 1.0), "triple(-1)");
        fails(IndexOutOfBoundsException.class, () -> k.pair(2), "pair(2)");
        fails(IndexOutOfBoundsException.class, () -> k.words(0), "words(0) of none");
        fails(IndexOutOfBoundsException.class, () -> k.bytes(0, (byte) 1), "bytes(0) of none");
        fails(IndexOutOfBoundsException.class, () -> k.innerPair(2), "innerPair(2)");
        fails(IndexOutOfBoundsException.class, () -> k.inners(0), "inners(0) of none");
        equal("12345678", k.shortLabel(), "short_label after refusals");
        equal(99, k.tail(), "tail after refusals");
        fails(IllegalStateException.class, () -> k.label("x".repeat(2000)), "a string longer than the loan");
        equal(99, k.tail(), "tail after a refused resize");
    }

    public static void malformedBytesAreReported() {
        MemorySegment message = loan(Kinds.TYPE, 1024);
        Kinds k = Kinds.TYPE.wrap(message);
        full().write(k);
        long size = Kinds.TYPE.encodedSize(message);

        Kinds truncated = Kinds.TYPE.wrap(message.asSlice(0, size - 2));
        MalformedMessageException tail = fails(MalformedMessageException.class, truncated::tail, "tail of truncated");
        yes(tail.getMessage().contains("test_msgs/msg/Kinds.tail"), tail.getMessage());
        // end$ reads lengths only: a truncated fixed-size tail shows as an end past the segment
        equal(size, Kinds.end$(message, size - 2, 4), "end$ of truncated");
        fails(MalformedMessageException.class, () -> Kinds.TYPE.encodedSize(message.asSlice(0, size - 2)),
            "encodedSize of truncated");
        MemorySegment cut = message.asSlice(0, 40);
        fails(MalformedMessageException.class, () -> Kinds.end$(cut, 40, 4), "end$ when a length lies past the end");
        // the same message re-pointed within its loan: the bytes past the length are there, and never read
        Kinds inPlace = Kinds.TYPE.wrap(message);
        yes(inPlace == Kinds.TYPE.rewrap(inPlace, message, size - 2), "re-pointed in place");
        MalformedMessageException past = fails(MalformedMessageException.class, inPlace::tail, "tail past the length");
        equal(tail.getMessage(), past.getMessage(), "the same failure as on a slice of that length");
        fails(MalformedMessageException.class, () -> Kinds.end$(message, 40, 4), "end$ past a limit of 40");
        yes(inPlace == Kinds.TYPE.rewrap(inPlace, message, size), "re-pointed at the whole message");
        full().check(inPlace);

        long labelAt = 4 + 4; // head is an int32 at body offset 0; label's length follows
        message.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), labelAt, 0x7fff_0000);
        MalformedMessageException label = fails(MalformedMessageException.class, k::label, "label too long");
        yes(label.getMessage().contains("label"), label.getMessage());
        fails(MalformedMessageException.class, k::tail, "tail behind a bad label");
        fails(MalformedMessageException.class, () -> Kinds.end$(message, message.byteSize(), 4),
            "end$ behind a bad label");
    }

    public static void nestedViewsAreCachedAndRepointed() {
        MemorySegment message = loan(Kinds.TYPE, 2048);
        Kinds k = Kinds.TYPE.wrap(message);
        k.innersCount(2);
        k.inners(0).name("first");
        k.inners(1).name("second");
        Inner first = k.inners(0);
        Inner second = k.inners(1);
        yes(first == second, "one view per field, re-pointed");
        equal("second", second.name(), "view now at element 1");
        equal(k.inner(), k.inner(), "inner() returns its one view");
        Point point = k.pointsCount(1).points(0).x(2.5);
        equal(2.5, k.points(0).x(), "a standard type nested in a user type");
        Empty nothing = k.nothing();
        yes(nothing != null, "an empty nested message has a view too");
        k.inners(1).samplesCount(3).samples(2, (short) -5);
        equal((short) -5, k.inners(1).samples(2), "sequence in an element of a sequence");
        equal("first", k.inners(0).name(), "element 0 after element 1 grew");
        equal(point, k.points(0), "same Point view");
    }

    public static void bulkSegmentsAreViewsOfTheMessage() {
        MemorySegment message = loan(Kinds.TYPE, 1024);
        Kinds k = Kinds.TYPE.wrap(message);
        k.bytesCount(4);
        MemorySegment bytes = k.bytes();
        equal(4L, bytes.byteSize(), "bytes size");
        bytes.set(ValueLayout.JAVA_BYTE, 3, (byte) 42);
        equal((byte) 42, k.bytes(3), "written through the view");
        k.triple(1, 0.75);
        MemorySegment triple = k.triple();
        equal(24L, triple.byteSize(), "triple size");
        equal(0.75, triple.get(ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8), "triple[1]");
        k.bits(1, true);
        equal((byte) 1, k.bits().get(ValueLayout.JAVA_BYTE, 1), "bits[1]");
        k.boundedIntsCount(0);
        equal(0L, k.boundedInts().byteSize(), "empty sequence");
    }

    public static void keywordNamedFieldsWork() {
        MemorySegment message = loan(Keywords.TYPE, 512);
        Keywords w = Keywords.TYPE.wrap(message);
        equal(9L, w.default_(), "default of default");
        w.class_(1).public_(true).double_(2.5).toString_("text").hashCode_(4).getClass_(5).cdrOffset_((byte) 6)
            .default_(7).count((byte) 8).segment("seg").value(10).i(11).m(12).p(13).at(14).frameID("map").k(0.5)
            .dataCount(2).data(1, (byte) 3);
        equal(1, w.class_(), "class_");
        equal(true, w.public_(), "public_");
        equal(2.5, w.double_(), "double_");
        equal("text", w.toString_(), "toString_");
        equal(4, w.hashCode_(), "hashCode_");
        equal(5, w.getClass_(), "getClass_");
        equal((byte) 6, w.cdrOffset_(), "cdrOffset_");
        equal(7L, w.default_(), "default_");
        equal((byte) 8, w.count(), "count");
        equal("seg", w.segment(), "segment");
        equal(10, w.value(), "value");
        equal(14, w.at(), "at");
        equal("map", w.frameID(), "frameID");
        equal(0.5, w.k(), "k");
        equal((byte) 3, w.data(1), "data(1)");
        yes(w.toString().contains("to_string"), "toString() is still the base class's: " + w);
        CdrTree tree = read(Keywords.TYPE, message);
        equal(1L, tree.get("class"), "tree class");
        equal("text", tree.get("to_string"), "tree to_string");
        equal("map", tree.get("Frame_ID"), "tree Frame_ID");
        equal(List.of(0L, 3L), tree.get("data_"), "tree data_");
    }

    public static void clashingTypeNamesWork() {
        MemorySegment message = loan(User.TYPE, 512);
        User u = User.TYPE.wrap(message);
        u.name().data("who");
        u.cdrLike_().value(3).text("t");
        u.blob().bytesCount(2).bytes(1, (byte) 9);
        u.override().x(5);
        u.local().seconds(1.5);
        u.global().sec(7).nanosec(8);
        u.kind().kind((byte) 2);
        u.text("end").tail(99);
        CdrTree tree = read(User.TYPE, message);
        equal("who", tree.get("name.data"), "name.data");
        equal("t", tree.get("cdr_like.text"), "cdr_like.text");
        equal(List.of(0L, 9L), tree.get("blob.bytes"), "blob.bytes");
        equal(5L, tree.get("override.x"), "override.x");
        equal(1.5, tree.get("local.seconds"), "local.seconds");
        equal(7L, tree.get("global.sec"), "global.sec");
        equal(2L, tree.get("kind.kind"), "kind.kind");
        equal("end", tree.get("text"), "text");
        equal(99L, tree.get("tail"), "tail");
        equal("clash_msgs/msg/User", User.NAME, "NAME");
    }

    public static void emptyMessagesTakeOneByte() {
        MemorySegment message = loan(Nothing.TYPE, 16);
        equal(5L, Nothing.TYPE.defaultSize(), "header and one byte");
        equal(5L, Nothing.end$(message, message.byteSize(), 4), "end$");
        equal(5L, Nothing.TYPE.encodedSize(message), "encodedSize");
        equal(List.of(), read(Nothing.TYPE, message).fields(), "no fields");
    }

    // ----------------------------------------------------------------------------------------------- helpers

    /** A model with something in every field. */
    static KindsModel full() {
        KindsModel m = new KindsModel();
        m.head = 1;
        m.label = "label ✓";
        m.afterLabel = -2;
        m.shortLabel = "short";
        m.afterShort = (byte) 200;
        m.triple = new double[] {1.25, -2.5, 3.75};
        m.afterTriple = -4;
        m.bytes = new byte[] {1, 2, (byte) 255};
        m.afterBytes = 500;
        m.boundedInts = new int[] {7, -8};
        m.afterBounded = 9;
        m.pair = new String[] {"left", "right side"};
        m.afterPair = -10_000_000_000L;
        m.words = new ArrayList<>(List.of("one", "", "three"));
        m.afterWords = true;
        m.tags = new ArrayList<>(List.of("a", "bcd"));
        m.afterTags = 12.5f;
        m.inner = inner((byte) 13, "inner", 14.5, (short) 1, (short) -1);
        m.afterInner = 15;
        m.innerPair = new KindsModel.InnerModel[] {inner((byte) 16, "p0", 17.5), inner((byte) 18, "", 19.5, (short) 3)};
        m.afterInnerPair = 20.25;
        m.inners = new ArrayList<>(List.of(inner((byte) 21, "i0", 22.5, (short) 4, (short) 5, (short) 6)));
        m.afterInners = (short) 60_000;
        m.fewInners = new ArrayList<>(List.of(inner((byte) 23, "f0", 24.5), inner((byte) 25, "f1", 26.5)));
        m.points = new ArrayList<>(List.of(new double[] {1, 2, 3}));
        m.bits = new boolean[] {true, false};
        m.tail = 27;
        return m;
    }

    static KindsModel.InnerModel inner(byte tag, String name, double value, short... samples) {
        KindsModel.InnerModel inner = new KindsModel.InnerModel();
        inner.tag = tag;
        inner.name = name;
        inner.value = value;
        inner.samples = samples;
        return inner;
    }

    private static String text(Random random, int maxBytes, boolean ascii) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(maxBytes + 1);
        while (Cdr8.length(text) < length) {
            text.append(ascii || random.nextInt(4) > 0 ? (char) ('a' + random.nextInt(26)) : 'é');
        }
        if (Cdr8.length(text) > maxBytes) {
            text.setLength(text.length() - 1);
        }
        return text.toString();
    }

    private static short[] samples(Random random) {
        short[] samples = new short[random.nextInt(4)];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (short) random.nextInt();
        }
        return samples;
    }

    /** Applies one random change to {@code k} and the same change to {@code model}; returns what it did. */
    private static String mutate(Random random, Kinds k, KindsModel model) {
        int op = random.nextInt(15);
        switch (op) {
            case 0 -> {
                model.label = text(random, 24, false);
                k.label(model.label);
                return "label=" + model.label;
            }
            case 1 -> {
                model.shortLabel = text(random, 8, true);
                k.shortLabel(model.shortLabel);
                return "short_label=" + model.shortLabel;
            }
            case 2 -> {
                int n = random.nextInt(10);
                byte[] bytes = new byte[n];
                System.arraycopy(model.bytes, 0, bytes, 0, Math.min(n, model.bytes.length));
                model.bytes = bytes;
                k.bytesCount(n);
                if (n > 0) {
                    int i = random.nextInt(n);
                    bytes[i] = (byte) random.nextInt();
                    k.bytes(i, bytes[i]);
                }
                return "bytes count " + n;
            }
            case 3 -> {
                int n = random.nextInt(5);
                int[] ints = new int[n];
                System.arraycopy(model.boundedInts, 0, ints, 0, Math.min(n, model.boundedInts.length));
                model.boundedInts = ints;
                k.boundedIntsCount(n);
                if (n > 0) {
                    ints[n - 1] = random.nextInt();
                    k.boundedInts(n - 1, ints[n - 1]);
                }
                return "bounded_ints count " + n;
            }
            case 4 -> {
                int i = random.nextInt(2);
                model.pair[i] = text(random, 12, false);
                k.pair(i, model.pair[i]);
                return "pair(" + i + ")";
            }
            case 5 -> {
                int n = random.nextInt(5);
                resize(model.words, n, () -> "");
                k.wordsCount(n);
                if (n > 0) {
                    int i = random.nextInt(n);
                    model.words.set(i, text(random, 10, false));
                    k.words(i, model.words.get(i));
                }
                return "words count " + n;
            }
            case 6 -> {
                int n = random.nextInt(4);
                resize(model.tags, n, () -> "");
                k.tagsCount(n);
                if (n > 0) {
                    int i = random.nextInt(n);
                    model.tags.set(i, text(random, 4, true));
                    k.tags(i, model.tags.get(i));
                }
                return "tags count " + n;
            }
            case 7 -> {
                model.inner.name = text(random, 9, false);
                model.inner.samples = samples(random);
                model.inner.write(k.inner());
                return "inner";
            }
            case 8 -> {
                int i = random.nextInt(2);
                model.innerPair[i].name = text(random, 9, false);
                model.innerPair[i].samples = samples(random);
                model.innerPair[i].write(k.innerPair(i));
                return "inner_pair(" + i + ")";
            }
            case 9 -> {
                int n = random.nextInt(4);
                resize(model.inners, n, KindsModel.InnerModel::new);
                k.innersCount(n);
                if (n > 0) {
                    int i = random.nextInt(n);
                    model.inners.set(i, inner((byte) random.nextInt(), text(random, 7, false), random.nextDouble(),
                        samples(random)));
                    model.inners.get(i).write(k.inners(i));
                }
                return "inners count " + n;
            }
            case 10 -> {
                int n = random.nextInt(3);
                resize(model.fewInners, n, KindsModel.InnerModel::new);
                k.fewInnersCount(n);
                return "few_inners count " + n;
            }
            case 11 -> {
                int n = random.nextInt(4);
                resize(model.points, n, () -> new double[3]);
                k.pointsCount(n);
                if (n > 0) {
                    double[] p = model.points.get(n - 1);
                    p[0] = random.nextDouble();
                    p[2] = -p[0];
                    k.points(n - 1).x(p[0]).z(p[2]);
                }
                return "points count " + n;
            }
            case 12 -> {
                model.tail = random.nextInt();
                model.afterInners = (short) random.nextInt();
                model.afterTags = random.nextFloat();
                k.tail(model.tail).afterInners(model.afterInners).afterTags(model.afterTags);
                return "scalars";
            }
            case 13 -> {
                int i = random.nextInt(3);
                model.triple[i] = random.nextDouble();
                model.bits[i % 2] = random.nextBoolean();
                k.triple(i, model.triple[i]).bits(i % 2, model.bits[i % 2]);
                return "triple and bits";
            }
            default -> {
                if (!model.fewInners.isEmpty()) {
                    KindsModel.InnerModel last = model.fewInners.get(model.fewInners.size() - 1);
                    last.name = text(random, 5, false);
                    last.samples = samples(random);
                    last.write(k.fewInners(model.fewInners.size() - 1));
                }
                return "last few_inner";
            }
        }
    }

    private static <T> void resize(List<T> list, int n, java.util.function.Supplier<T> fresh) {
        while (list.size() > n) {
            list.remove(list.size() - 1);
        }
        while (list.size() < n) {
            list.add(fresh.get());
        }
    }

    /** UTF-8 length of a string, as the bounds count it. */
    private static final class Cdr8 {
        static int length(CharSequence text) {
            return io.sluice.msg.Cdr.utf8Length(text);
        }
    }

    /** Reads a little-endian long at an absolute offset. */
    private static final class ByteOrderCheck {
        static void at(MemorySegment message, long offset, long expected, String what) {
            equal(expected, message.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), offset),
                what);
        }
    }
}
