// spring-boot-starter-parent as parent with kafka.version set to Debezium's: Boot's own entries move to it.
def deps = new File(basedir, 'deps.txt').text
['kafka-clients', 'connect-api', 'connect-runtime', 'connect-json', 'connect-transforms'].each { a ->
    def line = "org.apache.kafka:${a}:jar:${kafkaVersion}:"
    assert deps.contains(line) : "expected ${line} in\n" + deps.readLines().findAll { it.contains('org.apache.kafka') }.join('\n')
}
assert deps.contains("io.cutover:cutover-spring-boot-starter:jar:${projectVersion}:")
return true
