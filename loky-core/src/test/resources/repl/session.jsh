import dev.loky.*;
var pool = ProcessExecutors.create(PoolConfig.builder().name("repl").maxWorkers(1).build());
int square(int x) { return x * x; }
System.out.println("submit=" + pool.submit(() -> square(7)).get());
System.out.println("map=" + pool.map(x -> x * 10, java.util.List.of(1, 2, 3)));
record Point(int x, int y) implements java.io.Serializable {}
System.out.println("record=" + pool.submit(() -> new Point(1, 2)).get());
var factor = 3;
System.out.println("factor=" + pool.submit(() -> factor * 2).get());
factor = 5;
System.out.println("factor-after=" + pool.submit(() -> factor * 2).get());
System.out.println("map-factor=" + pool.map(x -> x * factor, java.util.List.of(1, 2)));
System.out.println("in-worker=" + (pool.submit(() -> ProcessHandle.current().pid()).get() != ProcessHandle.current().pid()));
System.out.println("future=" + pool.submit(() -> 1));
pool.shutdownNow();
/exit
