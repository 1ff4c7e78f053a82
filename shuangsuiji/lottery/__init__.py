"""Publicly verifiable random draws, protocol ssj-draw/1 (docs/draw-protocol.md); pure standard library.

How the Django side calls it:

    from shuangsuiji.lottery import beacon, bundle, kit, sampling, sources
    from shuangsuiji.lottery.quota import CountRule

    # 1. freeze
    pool = sampling.Pool.from_rows((e.uscc, e.stratum) for e in entities)
    rules = {"*": CountRule(ratio="0.05", minimum=1)}
    manifest = kit.build_manifest(task, pool, rules, exclusions, items=items, filters=filters)
    # 2. commit (publish commitment.to_json() and commitment.digest at once)
    round_no = beacon.first_round_after("quicknet", now.timestamp() + 600)
    commitment = sources.commit(kit.manifest_digest(manifest), now, [{"type": "drand", "chain": "quicknet", "round": round_no}])
    # 3. reveal (after the round is out): raises SourceError/BeaconError with a Chinese message
    seed, values = sources.reveal(commitment, [round_json])
    # 4. select
    result = sampling.draw(seed, pool, rules, exclusions)
    # 5. publish the kit
    files = kit.kit_files(manifest, pool, kit.sources_document(commitment, [round_json], values, seed),
                          kit.result_document(result, kit.manifest_digest(manifest), commitment.digest),
                          extra={...matching files...}, verifier=bundle.render().encode())
    kit.write_kit(files, Path("kit.zip"))
"""
