# Runs `faqbot run` (long polling). Configuration comes from the environment / an env file:
#   docker build -t faqbot . && docker run --rm --env-file .env -v "$PWD/data:/app/data" faqbot
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONUNBUFFERED=1 DATA_DIR=/app/data FAQ_PATH=/app/faq.yaml FAQBOT_CACHE_DIR=/app/data/cache
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
RUN pip install --no-cache-dir .
COPY faq.yaml ./
RUN useradd --create-home faqbot && mkdir -p /app/data && chown faqbot /app/data
USER faqbot
STOPSIGNAL SIGTERM
CMD ["faqbot", "run"]
