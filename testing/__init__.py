"""The test kit, importable by the tests and by `python -m bench` (never the other way round).

- `testing.fakes`: HTTP-level fakes of Slack, Telegram and the NWS API, a real `redis-server`
  runner, the network guard, payload builders.
- `testing.deployments`: every deployment the tests and the bench use, named (`NOGALES_EL_PASO`,
  `NOGALES_SHORT_IDS`, `EL_PASO_LAREDO`, `ALL_TEN`, `DEMO`, ...), handed out as fresh copies
  (`data`, `deployment`, `with_agencies`, `with_phones`).
- `testing.bot`: the one bot builder (`build_bot`); the in-process bots below are built by it.
- `testing.harness`: the bot in-process over real HTTP to the fakes (`running_bot`, `make_settings`).
- `testing.cluster`: several bot processes on one Redis (`Cluster`).
- `testing.engine`: a bot without workers for the engine's tests (`make_core`, `handle`, `Outbox`).
- `testing.advisories`: the advisories' test bot (`Harness`) and its rooms.
- `testing.playbooks`: playbook fixtures and run states.
"""
