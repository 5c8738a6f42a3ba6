package com.example.probe;

import com.example.msg.test_msgs.Inner;
import com.example.msg.test_msgs.Kinds;
import io.sluice.msg.CdrTree;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static com.example.probe.Check.equal;

/**
 * What a {@code test_msgs/Kinds} message should hold, in plain Java: written to a message through the generated
 * setters in definition order, checked against one through the generated getters and through the generic reader.
 */
final class KindsModel {
    int head = 11;
    String label = "";
    short afterLabel = 5;
    String shortLabel = "";
    byte afterShort = 3;
    double[] triple = new double[3];
    byte afterTriple;
    byte[] bytes = {};
    short afterBytes;
    int[] boundedInts = {};
    byte afterBounded;
    String[] pair = {"", ""};
    long afterPair;
    List<String> words = new ArrayList<>();
    boolean afterWords;
    List<String> tags = new ArrayList<>();
    float afterTags;
    InnerModel inner = new InnerModel();
    byte afterInner;
    InnerModel[] innerPair = {new InnerModel(), new InnerModel()};
    double afterInnerPair;
    List<InnerModel> inners = new ArrayList<>();
    short afterInners;
    List<InnerModel> fewInners = new ArrayList<>();
    List<double[]> points = new ArrayList<>();
    boolean[] bits = new boolean[2];
    int tail = -7;

    /** A {@code test_msgs/Inner}. */
    static final class InnerModel {
        byte tag;
        String name = "";
        double value = 0.5;
        short[] samples = {};

        void write(Inner inner) {
            inner.tag(tag).name(name).value(value).samplesCount(samples.length);
            for (int i = 0; i < samples.length; i++) {
                inner.samples(i, samples[i]);
            }
        }

        void check(Inner inner, String what) {
            equal(tag, inner.tag(), what + ".tag");
            equal(name, inner.name(), what + ".name");
            equal(value, inner.value(), what + ".value");
            equal(samples.length, inner.samplesCount(), what + ".samplesCount");
            for (int i = 0; i < samples.length; i++) {
                equal(samples[i], inner.samples(i), what + ".samples(" + i + ")");
            }
        }

        void check(CdrTree tree, String what) {
            equal((long) tag, tree.get("tag"), what + ".tag");
            equal(name, tree.get("name"), what + ".name");
            equal(value, tree.get("value"), what + ".value");
            List<Long> expected = new ArrayList<>();
            for (short sample : samples) {
                expected.add((long) sample);
            }
            equal(expected, tree.get("samples"), what + ".samples");
        }
    }

    /** Sets every field of {@code k}, in definition order. */
    void write(Kinds k) {
        k.head(head).label(label).afterLabel(afterLabel).shortLabel(shortLabel).afterShort(afterShort);
        for (int i = 0; i < Kinds.TRIPLE_LENGTH; i++) {
            k.triple(i, triple[i]);
        }
        k.afterTriple(afterTriple).bytesCount(bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            k.bytes(i, bytes[i]);
        }
        k.afterBytes(afterBytes).boundedIntsCount(boundedInts.length);
        for (int i = 0; i < boundedInts.length; i++) {
            k.boundedInts(i, boundedInts[i]);
        }
        k.afterBounded(afterBounded).pair(0, pair[0]).pair(1, pair[1]).afterPair(afterPair);
        k.wordsCount(words.size());
        for (int i = 0; i < words.size(); i++) {
            k.words(i, words.get(i));
        }
        k.afterWords(afterWords).tagsCount(tags.size());
        for (int i = 0; i < tags.size(); i++) {
            k.tags(i, tags.get(i));
        }
        k.afterTags(afterTags);
        inner.write(k.inner());
        k.afterInner(afterInner);
        innerPair[0].write(k.innerPair(0));
        innerPair[1].write(k.innerPair(1));
        k.afterInnerPair(afterInnerPair).innersCount(inners.size());
        for (int i = 0; i < inners.size(); i++) {
            inners.get(i).write(k.inners(i));
        }
        k.afterInners(afterInners).fewInnersCount(fewInners.size());
        for (int i = 0; i < fewInners.size(); i++) {
            fewInners.get(i).write(k.fewInners(i));
        }
        k.pointsCount(points.size());
        for (int i = 0; i < points.size(); i++) {
            k.points(i).x(points.get(i)[0]).y(points.get(i)[1]).z(points.get(i)[2]);
        }
        k.bits(0, bits[0]).bits(1, bits[1]).tail(tail);
    }

    /** Reads every field of {@code k} through the generated getters. */
    void check(Kinds k) {
        equal(head, k.head(), "head");
        equal(label, k.label(), "label");
        equal(afterLabel, k.afterLabel(), "afterLabel");
        equal(shortLabel, k.shortLabel(), "shortLabel");
        equal(afterShort, k.afterShort(), "afterShort");
        for (int i = 0; i < Kinds.TRIPLE_LENGTH; i++) {
            equal(triple[i], k.triple(i), "triple(" + i + ")");
        }
        equal(afterTriple, k.afterTriple(), "afterTriple");
        equal(bytes.length, k.bytesCount(), "bytesCount");
        for (int i = 0; i < bytes.length; i++) {
            equal(bytes[i], k.bytes(i), "bytes(" + i + ")");
        }
        equal((long) bytes.length, k.bytes().byteSize(), "bytes().byteSize()");
        equal(afterBytes, k.afterBytes(), "afterBytes");
        equal(boundedInts.length, k.boundedIntsCount(), "boundedIntsCount");
        for (int i = 0; i < boundedInts.length; i++) {
            equal(boundedInts[i], k.boundedInts(i), "boundedInts(" + i + ")");
        }
        equal(afterBounded, k.afterBounded(), "afterBounded");
        equal(Kinds.PAIR_LENGTH, k.pairCount(), "pairCount");
        equal(pair[0], k.pair(0), "pair(0)");
        equal(pair[1], k.pair(1), "pair(1)");
        equal(afterPair, k.afterPair(), "afterPair");
        equal(words.size(), k.wordsCount(), "wordsCount");
        for (int i = 0; i < words.size(); i++) {
            equal(words.get(i), k.words(i), "words(" + i + ")");
        }
        equal(afterWords, k.afterWords(), "afterWords");
        equal(tags.size(), k.tagsCount(), "tagsCount");
        for (int i = 0; i < tags.size(); i++) {
            equal(tags.get(i), k.tags(i), "tags(" + i + ")");
        }
        equal(afterTags, k.afterTags(), "afterTags");
        inner.check(k.inner(), "inner");
        equal(afterInner, k.afterInner(), "afterInner");
        equal(Kinds.INNER_PAIR_LENGTH, k.innerPairCount(), "innerPairCount");
        innerPair[0].check(k.innerPair(0), "innerPair(0)");
        innerPair[1].check(k.innerPair(1), "innerPair(1)");
        equal(afterInnerPair, k.afterInnerPair(), "afterInnerPair");
        equal(inners.size(), k.innersCount(), "innersCount");
        for (int i = 0; i < inners.size(); i++) {
            inners.get(i).check(k.inners(i), "inners(" + i + ")");
        }
        equal(afterInners, k.afterInners(), "afterInners");
        equal(fewInners.size(), k.fewInnersCount(), "fewInnersCount");
        for (int i = 0; i < fewInners.size(); i++) {
            fewInners.get(i).check(k.fewInners(i), "fewInners(" + i + ")");
        }
        equal(points.size(), k.pointsCount(), "pointsCount");
        for (int i = 0; i < points.size(); i++) {
            equal(points.get(i)[0], k.points(i).x(), "points(" + i + ").x");
            equal(points.get(i)[1], k.points(i).y(), "points(" + i + ").y");
            equal(points.get(i)[2], k.points(i).z(), "points(" + i + ").z");
        }
        equal(bits[0], k.bits(0), "bits(0)");
        equal(bits[1], k.bits(1), "bits(1)");
        equal(tail, k.tail(), "tail");
    }

    /** Reads every field through the generic reader, which knows the schema and nothing of the generated class. */
    void check(CdrTree tree) {
        equal((long) head, tree.get("head"), "tree head");
        equal(label, tree.get("label"), "tree label");
        equal((long) afterLabel, tree.get("after_label"), "tree after_label");
        equal(shortLabel, tree.get("short_label"), "tree short_label");
        equal((long) Byte.toUnsignedInt(afterShort), tree.get("after_short"), "tree after_short");
        equal(List.of(triple[0], triple[1], triple[2]), tree.get("triple"), "tree triple");
        equal((long) afterTriple, tree.get("after_triple"), "tree after_triple");
        List<Long> byteValues = new ArrayList<>();
        for (byte b : bytes) {
            byteValues.add((long) Byte.toUnsignedInt(b));
        }
        equal(byteValues, tree.get("bytes"), "tree bytes");
        equal((long) afterBytes, tree.get("after_bytes"), "tree after_bytes");
        equal(Arrays.stream(boundedInts).mapToObj(v -> (long) v).toList(), tree.get("bounded_ints"),
            "tree bounded_ints");
        equal((long) afterBounded, tree.get("after_bounded"), "tree after_bounded");
        equal(List.of(pair[0], pair[1]), tree.get("pair"), "tree pair");
        equal(afterPair, tree.get("after_pair"), "tree after_pair");
        equal(words, tree.get("words"), "tree words");
        equal(afterWords, tree.get("after_words"), "tree after_words");
        equal(tags, tree.get("tags"), "tree tags");
        equal((double) afterTags, tree.get("after_tags"), "tree after_tags");
        inner.check((CdrTree) tree.get("inner"), "tree inner");
        equal((long) afterInner, tree.get("after_inner"), "tree after_inner");
        innerPair[0].check((CdrTree) tree.get("inner_pair[0]"), "tree inner_pair[0]");
        innerPair[1].check((CdrTree) tree.get("inner_pair[1]"), "tree inner_pair[1]");
        equal(afterInnerPair, tree.get("after_inner_pair"), "tree after_inner_pair");
        equal(inners.size(), ((List<?>) tree.get("inners")).size(), "tree inners size");
        for (int i = 0; i < inners.size(); i++) {
            inners.get(i).check((CdrTree) tree.get("inners[" + i + "]"), "tree inners[" + i + "]");
        }
        equal((long) Short.toUnsignedInt(afterInners), tree.get("after_inners"), "tree after_inners");
        equal(fewInners.size(), ((List<?>) tree.get("few_inners")).size(), "tree few_inners size");
        for (int i = 0; i < fewInners.size(); i++) {
            fewInners.get(i).check((CdrTree) tree.get("few_inners[" + i + "]"), "tree few_inners[" + i + "]");
        }
        equal(points.size(), ((List<?>) tree.get("points")).size(), "tree points size");
        for (int i = 0; i < points.size(); i++) {
            equal(points.get(i)[2], tree.get("points[" + i + "].z"), "tree points[" + i + "].z");
        }
        equal(List.of(bits[0], bits[1]), tree.get("bits"), "tree bits");
        equal(List.of(), ((CdrTree) tree.get("nothing")).fields(), "tree nothing");
        equal((long) tail, tree.get("tail"), "tree tail");
    }
}
