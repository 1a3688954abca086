import fs from 'node:fs'
import path from 'node:path'

/**
 * Kafka ships no logging config in its jars. The fixture writes a quiet one that logs to the
 * process's stdout (fixture-core keeps it in a ring buffer, shows it in errors and under
 * DEBUG=infra:kafka-*): WARN and above, plus the "Kafka Server started" line. Both a log4j2 config
 * (Kafka 4.x) and a log4j 1 / reload4j config (Kafka 3.x distributions) are written.
 */
export function writeLogConfig(dir: string, level = 'WARN'): { log4j2: string; log4j1: string } {
  const log4j2 = path.join(dir, 'log4j2.properties')
  const log4j1 = path.join(dir, 'log4j.properties')
  fs.writeFileSync(
    log4j2,
    [
      'status = error',
      'shutdownHook = disable',
      'appender.out.type = Console',
      'appender.out.name = OUT',
      'appender.out.target = SYSTEM_OUT',
      'appender.out.layout.type = PatternLayout',
      'appender.out.layout.pattern = [%d{HH:mm:ss,SSS}] %p %m (%c)%n',
      `rootLogger.level = ${level}`,
      'rootLogger.appenderRef.out.ref = OUT',
      'logger.started.name = kafka.server.KafkaRaftServer',
      'logger.started.level = INFO',
      '',
    ].join('\n'),
  )
  fs.writeFileSync(
    log4j1,
    [
      `log4j.rootLogger=${level}, stdout`,
      'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
      'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.stdout.layout.ConversionPattern=[%d{HH:mm:ss,SSS}] %p %m (%c)%n',
      'log4j.logger.kafka.server.KafkaRaftServer=INFO',
      '',
    ].join('\n'),
  )
  return { log4j2, log4j1 }
}

export function logConfigJvmArgs(files: { log4j2: string; log4j1: string }): string[] {
  return [`-Dlog4j2.configurationFile=${files.log4j2}`, `-Dlog4j.configuration=file:${files.log4j1}`]
}
