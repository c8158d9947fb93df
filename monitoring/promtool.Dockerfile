# promtool from Debian's prometheus package, to check monitoring/alerts.yml (test/containers/alert-rules.test.ts).
ARG NODE_IMAGE=node:24-bookworm-slim
FROM ${NODE_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends prometheus=2.42.0+ds-5+deb12u1 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /rules
ENTRYPOINT ["promtool"]
