# The orchestrator image, with the shaded workers jar that it submits to the Flink cluster.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests -Pflink-job package

FROM eclipse-temurin:17-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/widescan
COPY --from=build /src/orchestrator/target/quarkus-app/ /opt/widescan/app/
COPY --from=build /src/workers/target/workers-job.jar /opt/widescan/workers-job.jar
EXPOSE 8080
# Listens on loopback unless told otherwise: docker-compose.yml sets QUARKUS_HTTP_HOST=0.0.0.0 and
# WIDESCAN_AUTH_INSECURE_ALLOW_REMOTE=true (the API has no authentication yet; see the README's Security).
ENTRYPOINT ["java", "-jar", "/opt/widescan/app/quarkus-run.jar"]
