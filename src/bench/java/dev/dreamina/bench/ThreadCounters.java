package dev.dreamina.bench;

import java.lang.reflect.Method;

/**
 * The calling thread's allocated bytes and CPU time, from the JDK's {@code ThreadMXBean}, read
 * reflectively: the benchmarks compile inside the SDK's module, which reads neither {@code
 * java.management} nor {@code jdk.management}; they run on the class path, where both are there.
 */
final class ThreadCounters {
  private static final Object BEAN;
  private static final Method ALLOCATED;
  private static final Method CPU;

  static {
    try {
      BEAN = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
      ALLOCATED = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
      CPU = Class.forName("java.lang.management.ThreadMXBean").getMethod("getCurrentThreadCpuTime");
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private ThreadCounters() {}

  static long allocatedBytes() throws ReflectiveOperationException {
    return (long) ALLOCATED.invoke(BEAN);
  }

  static long cpuNanos() throws ReflectiveOperationException {
    return (long) CPU.invoke(BEAN);
  }
}
