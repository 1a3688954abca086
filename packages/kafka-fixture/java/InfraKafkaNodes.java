import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Runs several Kafka KRaft nodes in one JVM: {@code java -cp <kafka libs>/*:infra-kafka-nodes.jar
 * InfraKafkaNodes node-1/server.properties node-2/server.properties …}.
 *
 * <p>Each node is Kafka's own entry point, {@code kafka.Kafka.main(<its server.properties>)}, on its own
 * thread, so each does exactly what a broker process does: its shutdown hook (SIGTERM stops every node
 * together), its fatal-error exits (which end the JVM, so every node, as one process). The nodes share the
 * loaded classes and the JIT's work, which is most of a broker's start-up CPU: on a 2-core machine a
 * 3-node cluster starts in little more than one broker's time.
 *
 * <p>Kafka is reached by reflection, so this class builds with the JDK alone and runs against any Kafka
 * version the fixture supports.
 */
public final class InfraKafkaNodes {
  private InfraKafkaNodes() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length == 0) {
      System.err.println("usage: InfraKafkaNodes <server.properties>...");
      System.exit(2);
    }
    Method kafkaMain;
    try {
      kafkaMain = Class.forName("kafka.Kafka").getMethod("main", String[].class);
    } catch (ReflectiveOperationException e) {
      System.err.println("kafka.Kafka is not on the classpath: " + e);
      System.exit(2);
      return;
    }
    Thread[] nodes = new Thread[args.length];
    for (int i = 0; i < args.length; i++) {
      String properties = args[i];
      nodes[i] = new Thread(() -> runNode(kafkaMain, properties), "kafka-main-" + (i + 1));
      nodes[i].start();
    }
    for (Thread node : nodes) node.join();
  }

  /** kafka.Kafka.main exits the JVM itself when its server ends; anything else it throws ends it too. */
  private static void runNode(Method kafkaMain, String properties) {
    try {
      kafkaMain.invoke(null, (Object) new String[] {properties});
    } catch (InvocationTargetException e) {
      System.err.println("Kafka node " + properties + " failed:");
      e.getCause().printStackTrace();
      Runtime.getRuntime().halt(1);
    } catch (ReflectiveOperationException | RuntimeException e) {
      System.err.println("Kafka node " + properties + " could not be started:");
      e.printStackTrace();
      Runtime.getRuntime().halt(1);
    }
  }
}
