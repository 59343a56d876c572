from scrapy.commands import check

from pmkz.crawler.scrapy_commands import named
from pmkz.site import LIVE_BASE_URL

# A replica of this size serves every page the spider's contracts name.
CONTRACT_REPLICA = ("--articles", "20")


class Command(check.Command):
    """Contracts run offline, against a replica on loopback, unless a site is named or
    `--live` asks for primeminister.kz."""

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument("--live", action="store_true",
                            help="check the contracts against primeminister.kz, not a local replica")

    def run(self, args, opts) -> None:
        if opts.live:
            opts.spargs.setdefault("base_url", LIVE_BASE_URL)
        if opts.list or "base_url" in opts.spargs or named(self.settings, "PMKZ_BASE_URL"):
            return super().run(args, opts)
        # Imported here: only this path starts a replica.
        from pmkz.replica_process import ReplicaProcess

        with ReplicaProcess(*CONTRACT_REPLICA) as replica:
            opts.spargs["base_url"] = replica.url
            super().run(args, opts)
