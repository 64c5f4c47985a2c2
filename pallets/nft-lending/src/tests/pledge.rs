//! A pledged NFT cannot move: not by its owner, not by the collection's owner, admin or freezer,
//! not through approvals or sales; repaying gives it back in the same call.

use super::*;
use frame_support::{assert_noop, assert_ok, traits::tokens::nonfungibles_v2::Destroy, BoundedVec};
use pallet_nfts::{AttributeNamespace, Error as NftsError};

fn pledged_punk() -> (PoolId, LoanId) {
	let pool = variable_pool(&[PUNKS], 10_000 * UNIT);
	nft(PUNKS, 0, &alice());
	set_price(PUNKS, 1_000 * UNIT, 1_000 * UNIT);
	let loan = borrow(&alice(), pool, PUNKS, 0, 100 * UNIT, None);
	(pool, loan)
}

#[test]
fn the_owner_cannot_transfer_burn_approve_away_or_sell_a_pledged_nft() {
	new_test_ext().execute_with(|| {
		pledged_punk();
		let owner = RuntimeOrigin::signed(alice());
		assert_noop!(Nfts::transfer(owner.clone(), PUNKS, 0, bob()), NftsError::<Test>::ItemLocked);
		assert_noop!(Nfts::burn(owner.clone(), PUNKS, 0), NftsError::<Test>::ItemLocked);
		// An approved delegate cannot move it either.
		assert_ok!(Nfts::approve_transfer(owner.clone(), PUNKS, 0, bob(), None));
		assert_noop!(
			Nfts::transfer(RuntimeOrigin::signed(bob()), PUNKS, 0, bob()),
			NftsError::<Test>::ItemLocked
		);
		// Nor a buyer at the owner's asking price.
		assert_ok!(Nfts::set_price(owner, PUNKS, 0, Some(1), None));
		assert!(Nfts::buy_item(RuntimeOrigin::signed(bob()), PUNKS, 0, 10).is_err());
		assert_eq!(pallet_nfts::Pallet::<Test>::owner(PUNKS, 0), Some(alice()));
		check();
	});
}

#[test]
fn the_collection_owner_admin_and_freezer_cannot_free_a_pledged_nft() {
	new_test_ext().execute_with(|| {
		pledged_punk();
		// `collection_owner()` holds the owner, admin, issuer and freezer roles.
		let team = RuntimeOrigin::signed(collection_owner());
		assert!(Nfts::burn(team.clone(), PUNKS, 0).is_err());
		// The freezer's unlock only lifts the freezer's own lock, not the pledge.
		let _ = Nfts::lock_item_transfer(team.clone(), PUNKS, 0);
		let _ = Nfts::unlock_item_transfer(team.clone(), PUNKS, 0);
		assert_noop!(
			Nfts::transfer(RuntimeOrigin::signed(alice()), PUNKS, 0, bob()),
			NftsError::<Test>::ItemLocked
		);
		// Nobody signed can touch the pallet's attribute that holds the pledge.
		let key: BoundedVec<u8, _> = BoundedVec::truncate_from(codec::Encode::encode(
			&pallet_nfts::PalletAttributes::<u32>::TransferDisabled,
		));
		for who in [alice(), collection_owner()] {
			assert!(Nfts::clear_attribute(
				RuntimeOrigin::signed(who),
				PUNKS,
				Some(0),
				AttributeNamespace::Pallet,
				key.clone()
			)
			.is_err());
		}
		// The collection cannot be destroyed while the item exists.
		assert!(Nfts::destroy(team, PUNKS, Nfts::get_destroy_witness(&PUNKS).unwrap()).is_err());
		assert_eq!(pallet_nfts::Pallet::<Test>::owner(PUNKS, 0), Some(alice()));
		check();
	});
}

#[test]
fn full_repayment_unlocks_the_nft_in_the_same_call() {
	new_test_ext().execute_with(|| {
		let (_, loan) = pledged_punk();
		assert_ok!(frame_support::storage::with_storage_layer(|| {
			NftLending::repay(RuntimeOrigin::signed(alice()), loan, 1_000 * UNIT)?;
			// Still inside the same call: the NFT already moves.
			Nfts::transfer(RuntimeOrigin::signed(alice()), PUNKS, 0, bob())
		}));
		assert_eq!(pallet_nfts::Pallet::<Test>::owner(PUNKS, 0), Some(bob()));
		check();
	});
}

#[test]
fn an_nft_that_cannot_move_cannot_be_pledged() {
	new_test_ext().execute_with(|| {
		let pool = variable_pool(&[PUNKS], 10_000 * UNIT);
		nft(PUNKS, 0, &alice());
		set_price(PUNKS, 1_000 * UNIT, 1_000 * UNIT);
		assert_ok!(Nfts::lock_item_transfer(RuntimeOrigin::signed(collection_owner()), PUNKS, 0));
		assert_noop!(
			NftLending::borrow(RuntimeOrigin::signed(alice()), pool, PUNKS, 0, UNIT, None),
			crate::Error::<Test>::NftNotTransferable
		);
	});
}
