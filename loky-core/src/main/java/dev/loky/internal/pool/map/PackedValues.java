package dev.loky.internal.pool.map;

import java.io.Serializable;

/**
 * A chunk of {@code map} items or results as it travels: boxed numbers all of one type go as a
 * primitive array (an {@code int[]} instead of thousands of {@code Integer} objects, each with its
 * own serialization overhead); anything else goes as an {@code Object[]}.
 */
final class PackedValues implements Serializable {

    private static final long serialVersionUID = 1L;

    private final Object array;

    private PackedValues(Object array) {
        this.array = array;
    }

    static PackedValues pack(Object[] values) {
        if (values.length == 0) {
            return new PackedValues(values);
        }
        Class<?> type = values[0] == null ? null : values[0].getClass();
        for (Object v : values) {
            if (v == null || v.getClass() != type) {
                return new PackedValues(values);
            }
        }
        int n = values.length;
        if (type == Integer.class) {
            int[] a = new int[n];
            for (int i = 0; i < n; i++) {
                a[i] = (Integer) values[i];
            }
            return new PackedValues(a);
        }
        if (type == Long.class) {
            long[] a = new long[n];
            for (int i = 0; i < n; i++) {
                a[i] = (Long) values[i];
            }
            return new PackedValues(a);
        }
        if (type == Double.class) {
            double[] a = new double[n];
            for (int i = 0; i < n; i++) {
                a[i] = (Double) values[i];
            }
            return new PackedValues(a);
        }
        return new PackedValues(values);
    }

    Object[] unpack() {
        if (array instanceof Object[] objects) {
            return objects;
        }
        if (array instanceof int[] a) {
            Object[] out = new Object[a.length];
            for (int i = 0; i < a.length; i++) {
                out[i] = a[i];
            }
            return out;
        }
        if (array instanceof long[] a) {
            Object[] out = new Object[a.length];
            for (int i = 0; i < a.length; i++) {
                out[i] = a[i];
            }
            return out;
        }
        double[] a = (double[]) array;
        Object[] out = new Object[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }
}
