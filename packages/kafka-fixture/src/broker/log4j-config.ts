import fs from 'node:fs'
import path from 'node:path'

export interface LogConfig {
  log4j2: string
  log4j1: string
  level: string
}

/**
 * Kafka ships no logging config in its jars. The fixture writes a quiet one that logs to the
 * process's stdout (fixture-core keeps it in a ring buffer, shows it in errors and under
 * DEBUG=infra:kafka-*): WARN and above, plus the "Kafka Server started" line. Both a log4j2 config
 * and a log4j 1 / reload4j config (Kafka 3.x distributions) are written.
 */
export function writeLogConfig(dir: string, level = 'WARN'): LogConfig {
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
  return { log4j2, log4j1, level }
}

const SIMPLE = 'org.apache.logging.log4j.simplelog'

/** Which log4j2 backend the brokers use (`INFRA_KAFKA_LOG4J_CORE=1`: log4j-core and the file). */
export function logBackend(): 'simple' | 'log4j-core' {
  const core = process.env.INFRA_KAFKA_LOG4J_CORE
  return core === '1' || core === 'true' ? 'log4j-core' : 'simple'
}

/**
 * Kafka 4.x logs through the log4j2 API; the fixture binds it to log4j-api's own SimpleLogger
 * (same level, same lines on stdout, `HH:mm:ss,SSS LEVEL Logger message`) instead of log4j-core:
 * log4j-core's start-up (plugin scan, configuration builders, JMX) costs a broker ~0.3–0.5 s of CPU
 * before it does anything. The log4j2 file stays for anyone who drops the factory property
 * (`INFRA_KAFKA_LOG4J_CORE=1`); log4j 1 / reload4j (Kafka 3.x) ignores all of this and reads its file.
 */
export function logConfigJvmArgs(files: LogConfig): string[] {
  const simple =
    logBackend() === 'log4j-core'
      ? []
      : [
          `-Dlog4j2.loggerContextFactory=org.apache.logging.log4j.simple.SimpleLoggerContextFactory`,
          `-D${SIMPLE}.level=${files.level}`,
          `-D${SIMPLE}.logFile=system.out`,
          `-D${SIMPLE}.showdatetime=true`,
          `-D${SIMPLE}.dateTimeFormat=HH:mm:ss,SSS`,
          `-D${SIMPLE}.kafka.server.KafkaRaftServer.level=INFO`,
        ]
  return [
    `-Dlog4j2.configurationFile=${files.log4j2}`,
    `-Dlog4j.configuration=file:${files.log4j1}`,
    ...simple,
  ]
}
