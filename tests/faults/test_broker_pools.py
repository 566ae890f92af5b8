"""After a fault test points Celery at a dead broker and back, sending works again in the same
process (CI saw "Acquire on closed pool" in every worker test that ran after one)."""

from jinbao_service.celery import app

from .conftest import broker_at, closed_port


def test_the_broker_pools_work_again_after_a_broker_outage_test(db):
    app.pool.acquire().release()  # a pool for the real broker exists before the outage
    with broker_at(f"redis://127.0.0.1:{closed_port()}/0"):
        pass
    app.pool.acquire().release()
    app.amqp.producer_pool.acquire().release()
