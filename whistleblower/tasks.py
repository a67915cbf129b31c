from celery import shared_task

from whistleblower import services


@shared_task
def disclosures_expire() -> int:
    return services.disclosures_expire()
